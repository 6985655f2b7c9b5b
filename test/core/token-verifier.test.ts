import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { JwtVerifier } from "aws-jwt-verify/jwt-verifier";
import { createHmac, randomUUID, sign } from "node:crypto";
import { DependencyError, UnauthorizedError, type ReasonCode } from "../../lambda/core/errors";
import { createTokenVerifier, type AccessToken, type TokenVerifier } from "../../lambda/core/token-verifier";
import {
  CLIENT_ID,
  OTHER_CLIENT_ID,
  POOL_ID,
  REGION,
  accessClaims,
  base64url,
  createSigningKey,
  inMemoryJwksCache,
  signToken,
  testConfig,
} from "../support/tokens";
import { startJwksServer, type JwksServer } from "../support/jwks-server";

const key = createSigningKey("key-1");
const strangerKey = createSigningKey("key-1");
const now = () => Math.floor(Date.now() / 1000);

/** The verifier answers synchronously when it can; the tests read every answer as a promise. */
type AsyncVerifier = (jwt: string) => Promise<AccessToken>;
const asAsync = (verify: TokenVerifier): AsyncVerifier => async (jwt) => verify(jwt);

const offlineVerifier = (keys: object[] = [key.publicJwk], env: Record<string, string> = {}): AsyncVerifier =>
  asAsync(createTokenVerifier(testConfig(env), inMemoryJwksCache(keys)));

async function refusal(verify: AsyncVerifier, token: string): Promise<UnauthorizedError> {
  const error = await verify(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof UnauthorizedError) return error;
  throw new Error(`expected a 401 refusal, got ${String(error)}`);
}

describe("createTokenVerifier", () => {
  const verify = offlineVerifier();

  it("returns the caller of a valid access token", async () => {
    const claims = accessClaims();

    await expect(verify(signToken(claims, key))).resolves.toEqual({
      sub: claims.sub,
      username: claims.username,
      clientId: CLIENT_ID,
      scopes: ["aws.cognito.signin.user.admin"],
      expiresAt: claims.exp,
      notBefore: undefined,
    });
  });

  it("accepts any listed client", async () => {
    const verifyBoth = offlineVerifier([key.publicJwk], { USER_POOL_CLIENT_IDS: `${CLIENT_ID},${OTHER_CLIENT_ID}` });

    await expect(verifyBoth(signToken(accessClaims({ client_id: OTHER_CLIENT_ID }), key))).resolves.toMatchObject({
      clientId: OTHER_CLIENT_ID,
    });
  });

  const header = (fields: Record<string, unknown>) => base64url(JSON.stringify(fields));
  const claimsSegment = () => base64url(JSON.stringify(accessClaims()));

  it.each<[string, () => string, ReasonCode]>([
    ["alg none", () => `${header({ alg: "none", kid: key.kid })}.${claimsSegment()}.`, "malformed_token"],
    ["alg none with a signature", () => `${header({ alg: "none", kid: key.kid })}.${claimsSegment()}.c2ln`, "invalid_signature"],
    [
      "HS256 signed with the public key",
      () => {
        const input = `${header({ alg: "HS256", kid: key.kid })}.${claimsSegment()}`;
        const mac = createHmac("sha256", JSON.stringify(key.publicJwk)).update(input).digest("base64url");
        return `${input}.${mac}`;
      },
      "invalid_signature",
    ],
    ["RS512", () => signToken(accessClaims(), key, { alg: "RS512", kid: key.kid }), "invalid_signature"],
    ["ES256 on an RSA key", () => signToken(accessClaims(), key, { alg: "ES256", kid: key.kid }), "invalid_signature"],
    ["no alg", () => signToken(accessClaims(), key, { kid: key.kid }), "invalid_signature"],
    ["an unknown kid", () => signToken(accessClaims(), key, { alg: "RS256", kid: "key-9" }), "invalid_signature"],
    ["no kid", () => signToken(accessClaims(), key, { alg: "RS256" }), "invalid_signature"],
    ["a kid that is not a string", () => signToken(accessClaims(), key, { alg: "RS256", kid: 7 }), "malformed_token"],
    ["another key under the same kid", () => signToken(accessClaims(), strangerKey), "invalid_signature"],
    [
      "a tampered payload",
      () => {
        const [h, , s] = signToken(accessClaims(), key).split(".");
        return `${h}.${base64url(JSON.stringify(accessClaims({ username: "admin" })))}.${s}`;
      },
      "invalid_signature",
    ],
    ["standard base64 characters", () => `${header({ alg: "RS256", kid: key.kid })}.${claimsSegment()}.c2ln+mF0/XJl`, "malformed_token"],
    ["a stray character", () => `${header({ alg: "RS256", kid: key.kid })}.${claimsSegment()}.c2l%bmF0dXJl`, "malformed_token"],
    ["whitespace inside", () => `${header({ alg: "RS256", kid: key.kid })}.${claimsSegment()}.c2l\tbmF0dXJl`, "malformed_token"],
    ["a header that is not JSON", () => `${base64url("{not json")}.${claimsSegment()}.c2ln`, "malformed_token"],
    ["a header that is JSON but not an object", () => `${base64url("[1]")}.${claimsSegment()}.c2ln`, "malformed_token"],
    ["a payload that is not JSON", () => `${header({ alg: "RS256", kid: key.kid })}.${base64url("nope")}.c2ln`, "malformed_token"],
    ["an expired token", () => signToken(accessClaims({ exp: now() - 1 }), key), "token_expired"],
    ["a token not yet valid", () => signToken(accessClaims({ nbf: now() + 60 }), key), "token_expired"],
    ["no exp", () => signToken(accessClaims({ exp: undefined }), key), "invalid_claims"],
    ["an exp that is not a number", () => signToken(accessClaims({ exp: "tomorrow" }), key), "malformed_token"],
    ["another issuer", () => signToken(accessClaims({ iss: "https://evil.example/" + POOL_ID }), key), "invalid_claims"],
    [
      "another pool's issuer",
      () => signToken(accessClaims({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_OtherPool` }), key),
      "invalid_claims",
    ],
    [
      "the global issuer form",
      () => signToken(accessClaims({ iss: `https://issuer-cognito-idp.${REGION}.amazonaws.com/${POOL_ID}` }), key),
      "invalid_claims",
    ],
    ["no issuer", () => signToken(accessClaims({ iss: undefined }), key), "invalid_claims"],
    ["an ID token", () => signToken(accessClaims({ token_use: "id", aud: CLIENT_ID, client_id: undefined }), key), "invalid_claims"],
    ["no token_use", () => signToken(accessClaims({ token_use: undefined }), key), "invalid_claims"],
    ["a client that is not listed", () => signToken(accessClaims({ client_id: OTHER_CLIENT_ID }), key), "invalid_claims"],
    ["no client_id", () => signToken(accessClaims({ client_id: undefined }), key), "invalid_claims"],
    ["no sub", () => signToken(accessClaims({ sub: undefined }), key), "invalid_claims"],
    ["a sub that is not a UUID", () => signToken(accessClaims({ sub: "admin" }), key), "invalid_claims"],
    ["no username", () => signToken(accessClaims({ username: undefined }), key), "invalid_claims"],
    ["an empty username", () => signToken(accessClaims({ username: "" }), key), "invalid_claims"],
    ["a username that is not a string", () => signToken(accessClaims({ username: 42 }), key), "invalid_claims"],
  ])("refuses %s", async (_, makeToken, reason) => {
    const error = await refusal(verify, makeToken());

    expect(error.message).toBe("Unauthorized");
    expect(error.reason).toBe(reason);
  });

  it("refuses a token at its exp second, which aws-jwt-verify would still accept", async () => {
    const exp = now() + 60;
    const token = signToken(accessClaims({ exp }), key);
    const clock = jest.spyOn(Date, "now").mockReturnValue(exp * 1000);
    try {
      expect((await refusal(offlineVerifier(), token)).reason).toBe("token_expired");
    } finally {
      clock.mockRestore();
    }
  });

  it("refuses every token when the key set is empty", async () => {
    const error = await refusal(offlineVerifier([]), signToken(accessClaims(), key));

    expect(error.reason).toBe("invalid_signature");
  });
});

describe("createTokenVerifier fetching the JWKS", () => {
  let server: JwksServer;
  const verifierFor = (env: Record<string, string> = {}) =>
    asAsync(createTokenVerifier(testConfig({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: server.url, ...env })));

  beforeAll(async () => {
    server = await startJwksServer({ kind: "keys", keys: [key.publicJwk] });
  });
  afterEach(() => server.behave({ kind: "keys", keys: [key.publicJwk] }));
  afterAll(() => server.close());

  it("fetches the key set once, then verifies from the cache", async () => {
    const verify = verifierFor();
    const before = server.requests;

    await verify(signToken(accessClaims(), key));
    await verify(signToken(accessClaims(), key));

    expect(server.requests - before).toBe(1);
  });

  it("fetches once for concurrent first requests", async () => {
    const verify = verifierFor();
    const before = server.requests;

    await Promise.all(Array.from({ length: 10 }, () => verify(signToken(accessClaims(), key))));

    expect(server.requests - before).toBe(1);
  });

  it("accepts a rotated key once the JWKS has it, and refuses a flood of unknown kids without refetching", async () => {
    const verify = verifierFor();
    await verify(signToken(accessClaims(), key));
    const rotated = createSigningKey("key-2");
    server.behave({ kind: "keys", keys: [key.publicJwk, rotated.publicJwk] });
    const before = server.requests;

    await expect(verify(signToken(accessClaims(), rotated))).resolves.toBeDefined();
    const unknown = await Promise.all(
      Array.from({ length: 20 }, () => refusal(verify, signToken(accessClaims(), rotated, { alg: "RS256", kid: randomUUID() }))),
    );

    expect(unknown.every((error) => error.reason === "invalid_signature")).toBe(true);
    // One fetch for the rotated key, one for the first unknown kid; the rest wait out aws-jwt-verify's back-off.
    expect(server.requests - before).toBe(2);
  });

  it.each<[string, Parameters<JwksServer["behave"]>[0], RegExp]>([
    ["answers 500", { kind: "status", status: 500 }, /answered HTTP 500/],
    ["answers 404", { kind: "status", status: 404 }, /answered HTTP 404/],
    ["answers garbage", { kind: "body", body: "<html>oops</html>" }, /not a JSON Web Key Set/],
    ["answers JSON that is not a key set", { kind: "body", body: '{"keys":"none"}' }, /not a JSON Web Key Set/],
    ["answers a huge body", { kind: "body", body: `{"keys":[],"pad":"${"x".repeat(200 * 1024)}"}` }, /more than 65536 bytes/],
  ])("fails closed when the JWKS %s", async (_, behaviour, message) => {
    server.behave(behaviour);

    const error = await verifierFor()(signToken(accessClaims(), key)).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).reason).toBe("dependency_failure");
    expect((error as DependencyError).message).toMatch(message);
  });

  it("fails closed within JWKS_TIMEOUT_MS when the JWKS hangs, and recovers once it answers", async () => {
    server.behave({ kind: "hang" });
    const verify = verifierFor({ JWKS_TIMEOUT_MS: "200" });
    const started = Date.now();

    await expect(verify(signToken(accessClaims(), key))).rejects.toThrow(/timed out after 200 ms/);
    expect(Date.now() - started).toBeLessThan(2000);

    server.behave({ kind: "keys", keys: [key.publicJwk] });
    await expect(verify(signToken(accessClaims(), key))).resolves.toBeDefined();
  });

  it("trusts only RS256: a key served without alg still refuses RS384, and non-RSA keys are ignored", async () => {
    const { alg: _alg, ...withoutAlg } = key.publicJwk;
    server.behave({ kind: "keys", keys: [withoutAlg, { kty: "EC", crv: "P-256", x: "AA", y: "AA", kid: "ec-1" }] });
    const verify = verifierFor();
    const rs384 = `${base64url(JSON.stringify({ alg: "RS384", kid: key.kid }))}.${base64url(JSON.stringify(accessClaims()))}`;
    const signed = `${rs384}.${sign("RSA-SHA384", Buffer.from(rs384), key.privateKey).toString("base64url")}`;

    await expect(verify(signToken(accessClaims(), key))).resolves.toBeDefined();
    expect((await refusal(verify, signed)).reason).toBe("invalid_signature");
    expect((await refusal(verify, signToken(accessClaims(), key, { alg: "ES256", kid: "ec-1" }))).reason).toBe("invalid_signature");
  });

  it("fails closed when nothing listens", async () => {
    const verify = asAsync(createTokenVerifier(testConfig({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: "http://127.0.0.1:1" })));

    await expect(verify(signToken(accessClaims(), key))).rejects.toBeInstanceOf(DependencyError);
  });

  it("fails closed when a served key cannot be used by crypto", async () => {
    server.behave({ kind: "keys", keys: [{ ...key.publicJwk, n: "" }] });

    await expect(verifierFor()(signToken(accessClaims(), key))).rejects.toBeInstanceOf(DependencyError);
  });
});

describe("after an unknown kid", () => {
  afterEach(() => jest.useRealTimers());

  it("refuses that kid for aws-jwt-verify's 10 s back-off, then accepts it once the JWKS has it", async () => {
    jest.useFakeTimers({ doNotFake: ["Date", "performance", "nextTick", "queueMicrotask", "setImmediate"] });
    const rotated = createSigningKey("key-2");
    let keys: object[] = [key.publicJwk];
    let fetches = 0;
    const jwksCache = new SimpleJwksCache({
      fetcher: {
        fetch: async () => {
          fetches++;
          return new TextEncoder().encode(JSON.stringify({ keys })).buffer as ArrayBuffer;
        },
      },
    });
    const verify = asAsync(createTokenVerifier(testConfig(), jwksCache));
    const token = signToken(accessClaims(), rotated);

    expect((await refusal(verify, token)).reason).toBe("invalid_signature");
    keys = [key.publicJwk, rotated.publicJwk];
    expect((await refusal(verify, token)).reason).toBe("invalid_signature"); // still backing off: no fetch
    expect(fetches).toBe(1);

    jest.advanceTimersByTime(10_000);
    await expect(verify(token)).resolves.toMatchObject({ clientId: CLIENT_ID });
    expect(fetches).toBe(2);
  });
});

describe("the verified-token cache", () => {
  let verifications: jest.SpyInstance;
  beforeEach(() => {
    verifications = jest.spyOn(JwtVerifier.prototype, "verifySync");
  });
  afterEach(() => jest.restoreAllMocks());

  it("does not verify a repeated token again", async () => {
    const verify = offlineVerifier();
    const token = signToken(accessClaims(), key);

    const first = await verify(token);
    const second = await verify(token);

    expect(second).toBe(first);
    expect(verifications).toHaveBeenCalledTimes(1);
  });

  it("refuses a cached token once it has expired", async () => {
    const verify = offlineVerifier();
    const token = signToken(accessClaims({ exp: now() + 2 }), key);
    await verify(token);
    jest.spyOn(Date, "now").mockReturnValue((now() + 3) * 1000);

    expect((await refusal(verify, token)).reason).toBe("token_expired");
  });

  it("still refuses a tampered copy of a cached token", async () => {
    const verify = offlineVerifier();
    const token = signToken(accessClaims(), key);
    await verify(token);
    const [h, , s] = token.split(".");
    const tampered = `${h}.${base64url(JSON.stringify(accessClaims({ username: "admin" })))}.${s}`;

    expect((await refusal(verify, tampered)).reason).toBe("invalid_signature");
  });

  it("keeps only TOKEN_CACHE_SIZE tokens, dropping the least recently used", async () => {
    const verify = offlineVerifier([key.publicJwk], { TOKEN_CACHE_SIZE: "2" });
    const [a, b, c] = [0, 1, 2].map(() => signToken(accessClaims(), key));
    await verify(a);
    await verify(b);
    await verify(a); // a is now the most recent
    await verify(c); // evicts b

    await verify(a);
    await verify(b);

    expect(verifications).toHaveBeenCalledTimes(4); // a, b, c, and b again
  });

  it("never caches a refusal", async () => {
    const verify = offlineVerifier();
    const token = signToken(accessClaims({ client_id: OTHER_CLIENT_ID }), key);

    await refusal(verify, token);
    await refusal(verify, token);

    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it("verifies every time with TOKEN_CACHE_SIZE=0", async () => {
    const verify = offlineVerifier([key.publicJwk], { TOKEN_CACHE_SIZE: "0" });
    const token = signToken(accessClaims(), key);

    await verify(token);
    await verify(token);

    expect(verifications).toHaveBeenCalledTimes(2);
  });

  it("is not shared between verifiers of different client lists", async () => {
    const token = signToken(accessClaims(), key);
    await offlineVerifier()(token);

    const otherClients = offlineVerifier([key.publicJwk], { USER_POOL_CLIENT_IDS: OTHER_CLIENT_ID });

    expect((await refusal(otherClients, token)).reason).toBe("invalid_claims");
  });
});
