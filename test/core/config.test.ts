import { loadConfig } from "../../lambda/core/config";
import { ConfigurationError } from "../../lambda/core/errors";

const BASE = { USER_POOL_ID: "eu-west-2_AbCdEf123", USER_POOL_CLIENT_IDS: "client1" };

function configError(env: Record<string, string | undefined>): ConfigurationError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error("loadConfig accepted the environment");
}

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const config = loadConfig(BASE);

    expect(config).toEqual({
      userPoolId: "eu-west-2_AbCdEf123",
      region: "eu-west-2",
      issuer: "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123",
      jwksUri: "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123/.well-known/jwks.json",
      clientIds: ["client1"],
      enforceMfa: true,
      mfaLookup: "admin",
      mfaCacheTtlSeconds: 0,
      jwksTimeoutMs: 3000,
      cognitoTimeoutMs: 3000,
      tokenCacheSize: 1000,
      logLevel: "INFO",
      cognitoEndpoint: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.clientIds)).toBe(true);
  });

  it("takes the region from the pool id, not from AWS_REGION", () => {
    const config = loadConfig({ ...BASE, USER_POOL_ID: "us-gov-west-1_Xyz", AWS_REGION: "eu-west-1" });

    expect(config.region).toBe("us-gov-west-1");
    expect(config.issuer).toBe("https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_Xyz");
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...BASE,
      USER_POOL_CLIENT_IDS: " client1 , client2 ",
      ENFORCE_MFA: "FALSE",
      MFA_LOOKUP: "Token",
      MFA_CACHE_TTL_SECONDS: "60",
      JWKS_TIMEOUT_MS: "500",
      COGNITO_TIMEOUT_MS: "700",
      POWERTOOLS_LOG_LEVEL: "debug",
      TOKEN_CACHE_SIZE: "0",
    });

    expect(config).toMatchObject({
      clientIds: ["client1", "client2"],
      enforceMfa: false,
      mfaLookup: "token",
      mfaCacheTtlSeconds: 60,
      jwksTimeoutMs: 500,
      cognitoTimeoutMs: 700,
      logLevel: "DEBUG",
      tokenCacheSize: 0,
    });
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["1", true],
    ["", true],
    ["false", false],
    ["0", false],
    ["False", false],
  ])("reads ENFORCE_MFA=%j as %s", (value, expected) => {
    expect(loadConfig({ ...BASE, ENFORCE_MFA: value }).enforceMfa).toBe(expected);
  });

  it("points the JWKS at a loopback emulator when the endpoint is overridden", () => {
    const config = loadConfig({ ...BASE, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: "http://127.0.0.1:9229/" });

    expect(config.cognitoEndpoint).toBe("http://127.0.0.1:9229");
    expect(config.jwksUri).toBe("http://127.0.0.1:9229/eu-west-2_AbCdEf123/.well-known/jwks.json");
    // The issuer stays the real one: cognito-local is configured to sign with it.
    expect(config.issuer).toBe("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123");
  });

  it.each(["http://localhost:9229", "http://127.5.6.7", "https://[::1]:8443", "http://127.1:80"])(
    "accepts the loopback endpoint %s",
    (endpoint) => {
      expect(loadConfig({ ...BASE, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint }).cognitoEndpoint).toBeDefined();
    },
  );

  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ["USER_POOL_ID", { USER_POOL_ID: undefined }, /USER_POOL_ID is required/],
    ["USER_POOL_ID", { USER_POOL_ID: "  " }, /USER_POOL_ID is required/],
    ["USER_POOL_ID", { USER_POOL_ID: "local_abc" }, /USER_POOL_ID must look like/],
    ["USER_POOL_ID", { USER_POOL_ID: "eu-west-2" }, /USER_POOL_ID must look like/],
    ["USER_POOL_CLIENT_IDS", { USER_POOL_CLIENT_IDS: undefined }, /USER_POOL_CLIENT_IDS is required/],
    ["USER_POOL_CLIENT_IDS", { USER_POOL_CLIENT_IDS: "," }, /USER_POOL_CLIENT_IDS must be comma-separated app client ids/],
    ["USER_POOL_CLIENT_IDS", { USER_POOL_CLIENT_IDS: "a,,b" }, /USER_POOL_CLIENT_IDS must be comma-separated app client ids/],
    ["USER_POOL_CLIENT_IDS", { USER_POOL_CLIENT_IDS: "a b" }, /USER_POOL_CLIENT_IDS/],
    ["ENFORCE_MFA", { ENFORCE_MFA: "yes" }, /ENFORCE_MFA must be one of true, false, 1, 0/],
    ["ENFORCE_MFA", { ENFORCE_MFA: "2" }, /ENFORCE_MFA/],
    ["MFA_LOOKUP", { MFA_LOOKUP: "both" }, /MFA_LOOKUP must be one of admin, token/],
    ["MFA_CACHE_TTL_SECONDS", { MFA_CACHE_TTL_SECONDS: "-1" }, /MFA_CACHE_TTL_SECONDS must be an integer/],
    ["MFA_CACHE_TTL_SECONDS", { MFA_CACHE_TTL_SECONDS: "1.5" }, /MFA_CACHE_TTL_SECONDS/],
    ["MFA_CACHE_TTL_SECONDS", { MFA_CACHE_TTL_SECONDS: "1e3" }, /MFA_CACHE_TTL_SECONDS/],
    ["MFA_CACHE_TTL_SECONDS", { MFA_CACHE_TTL_SECONDS: "999999999" }, /MFA_CACHE_TTL_SECONDS/],
    ["JWKS_TIMEOUT_MS", { JWKS_TIMEOUT_MS: "0" }, /JWKS_TIMEOUT_MS must be an integer from 1/],
    ["JWKS_TIMEOUT_MS", { JWKS_TIMEOUT_MS: "fast" }, /JWKS_TIMEOUT_MS/],
    ["COGNITO_TIMEOUT_MS", { COGNITO_TIMEOUT_MS: "60000" }, /COGNITO_TIMEOUT_MS/],
    ["POWERTOOLS_LOG_LEVEL", { POWERTOOLS_LOG_LEVEL: "LOUD" }, /POWERTOOLS_LOG_LEVEL must be one of/],
    ["TOKEN_CACHE_SIZE", { TOKEN_CACHE_SIZE: "-5" }, /TOKEN_CACHE_SIZE must be an integer from 0 to 100000/],
    ["TOKEN_CACHE_SIZE", { TOKEN_CACHE_SIZE: "lots" }, /TOKEN_CACHE_SIZE/],
  ])("refuses a bad %s", (variable, env, message) => {
    const error = configError({ ...BASE, ...env });

    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it.each([
    "http://cognito-idp.eu-west-2.amazonaws.com",
    "http://10.0.0.5:9229",
    "http://169.254.169.254",
    "http://localhost.evil.example",
    "http://127.0.0.1.nip.io",
    "http://0.0.0.0:9229",
    "ftp://127.0.0.1",
    "http://user:pass@127.0.0.1",
    "not a url",
  ])("refuses the non-loopback or malformed endpoint %s", (endpoint) => {
    expect(configError({ ...BASE, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint }).variable).toBe(
      "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER",
    );
  });
});
