/** Keys and tokens made by the tests themselves: nothing fixed that could expire. */
import { generateKeyPairSync, randomUUID, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { loadConfig, type Config } from "../../lambda/core/config";

export const REGION = "eu-west-2";
export const POOL_ID = "eu-west-2_TestPool1";
export const ISSUER = `https://cognito-idp.${REGION}.amazonaws.com/${POOL_ID}`;
export const CLIENT_ID = "testclient0123456789abcdef";
export const OTHER_CLIENT_ID = "otherclient0123456789abcde";

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: JsonWebKey & { kid: string; alg: string; use: string };
}

export function createSigningKey(kid = "test-key-1"): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" } };
}

export const base64url = (value: string | Buffer): string => Buffer.from(value).toString("base64url");

/** Signs any header and claims with RS256, as Cognito would if it issued them. */
export function signToken(
  claims: Record<string, unknown>,
  key: SigningKey,
  header: Record<string, unknown> = { alg: "RS256", kid: key.kid },
): string {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), key.privateKey).toString("base64url")}`;
}

/**
 * The claims of a Cognito access token for the test pool, valid for an hour.
 * An override of `undefined` removes the claim.
 */
export function accessClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const sub = randomUUID();
  const claims: Record<string, unknown> = {
    sub,
    iss: ISSUER,
    client_id: CLIENT_ID,
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: randomUUID(),
    username: sub,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** The configuration the contract's environment would give for the test pool. */
export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ USER_POOL_ID: POOL_ID, USER_POOL_CLIENT_IDS: CLIENT_ID, ...env });
}

/** A JWKS cache whose "endpoint" is in memory and serves these keys: verification with no network. */
export function inMemoryJwksCache(keys: object[]): SimpleJwksCache {
  const body = new TextEncoder().encode(JSON.stringify({ keys }));
  return new SimpleJwksCache({ fetcher: { fetch: async () => body.buffer as ArrayBuffer } });
}
