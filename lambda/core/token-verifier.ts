import { JwtVerifier } from "aws-jwt-verify/jwt-verifier";
import { assertStringArrayContainsString, assertStringEquals } from "aws-jwt-verify/assert";
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  FailedAssertionError,
  JwksNotAvailableInCacheError,
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import type { JwksCache } from "aws-jwt-verify/jwk";
import type { JwtPayload } from "aws-jwt-verify/jwt-model";
import type { Config } from "./config";
import { assertCanonicalJwt } from "./bearer-token";
import { AuthorizerError, DependencyError, UnauthorizedError, type ReasonCode } from "./errors";
import { ExpiringCache } from "./expiring-cache";
import { createJwksCache } from "./jwks";

/** What the rest of the authorizer knows about a caller once the token has verified. */
export interface AccessToken {
  /** The user's immutable id (a UUID). */
  readonly sub: string;
  /** The name Cognito's user APIs take (with email sign-in, also a UUID, not the email). */
  readonly username: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** `exp`, in seconds since the epoch. */
  readonly expiresAt: number;
  /** `nbf`, when the token has one. */
  readonly notBefore: number | undefined;
}

/** Synchronous when the answer needs no network (a known key, a cached token), a promise otherwise. */
export type TokenVerifier = (jwt: string) => AccessToken | Promise<AccessToken>;

export type TokenVerifierConfig = Pick<Config, "issuer" | "jwksUri" | "clientIds" | "jwksTimeoutMs" | "tokenCacheSize">;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The end of the signature: random to anyone without the pool's key, so a short, cheap cache key
 * (hashing a whole 1 KB token costs more than the rest of a cache hit). A hit still compares the whole token.
 */
const CACHE_KEY_LENGTH = 32;

interface Verified {
  readonly jwt: string;
  readonly token: AccessToken;
}

/**
 * Verifies Cognito access tokens of one pool and its listed app clients.
 * aws-jwt-verify's generic verifier is used with the one regional issuer, because its
 * CognitoJwtVerifier also accepts the global `issuer-cognito-idp` form, which we refuse.
 */
export function createTokenVerifier(
  config: TokenVerifierConfig,
  jwksCache: JwksCache = createJwksCache(config.jwksTimeoutMs),
): TokenVerifier {
  const verifier = JwtVerifier.create({ issuer: config.issuer, jwksUri: config.jwksUri, audience: null }, { jwksCache });

  const checkClaims = (payload: JwtPayload): AccessToken => {
    try {
      // token_use = access, client_id listed: what aws-jwt-verify's Cognito verifier checks, with its asserts,
      // without importing that verifier (whose module would cost the no-MFA bundle 2 KB).
      assertStringEquals("Token use", payload.token_use, "access", CognitoJwtInvalidTokenUseError);
      assertStringArrayContainsString("Client ID", payload.client_id, config.clientIds, CognitoJwtInvalidClientIdError);
    } catch (error) {
      throw asAuthorizerError(error);
    }
    // aws-jwt-verify accepts a token without exp, and one at its exp second; a token is valid only before it.
    if (typeof payload.exp !== "number") throw invalidClaim("token has no exp claim");
    if (payload.exp * 1000 <= Date.now()) throw new UnauthorizedError("token_expired", "token expired");
    if (typeof payload.sub !== "string" || !UUID.test(payload.sub)) throw invalidClaim("sub is missing or not a UUID");
    if (typeof payload.username !== "string" || payload.username === "") throw invalidClaim("username is missing");
    return {
      sub: payload.sub,
      username: payload.username,
      clientId: payload.client_id as string,
      scopes: typeof payload.scope === "string" ? payload.scope.split(" ") : [],
      expiresAt: payload.exp,
      notBefore: payload.nbf,
    };
  };

  const verify = (jwt: string): AccessToken | Promise<AccessToken> => {
    let payload: JwtPayload | Promise<JwtPayload>;
    try {
      // Canonical form: refused before any decoding or crypto.
      assertCanonicalJwt(jwt);
      // Signature (RS256 only: the JWKS keeps only RS256 keys, and a token's alg must match its key's),
      // exp and nbf when present, issuer: synchronous while the key is cached (no promise hops on the
      // hot path); the JWKS is fetched otherwise.
      payload = verifier.verifySync(jwt);
    } catch (error) {
      if (!(error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError)) throw asAuthorizerError(error);
      payload = verifier.verify(jwt).catch((fetchError: unknown) => {
        throw asAuthorizerError(fetchError);
      });
    }
    return payload instanceof Promise ? payload.then(checkClaims) : checkClaims(payload);
  };

  if (config.tokenCacheSize === 0) return verify;
  // Per verifier, so never shared across pools or client lists. Only successes go in.
  const cache = new ExpiringCache<Verified>(config.tokenCacheSize);
  const remember = (jwt: string, token: AccessToken): AccessToken => {
    cache.set(jwt.slice(-CACHE_KEY_LENGTH), { jwt, token }, token.expiresAt * 1000);
    return token;
  };
  return (jwt) => {
    const now = Date.now();
    // The same string verified before: only the clock can have changed the answer, so only the clock is checked
    // (the entry expires at `exp`; `nbf` had passed when it went in and is checked again all the same).
    const hit = cache.get(jwt.slice(-CACHE_KEY_LENGTH), now);
    if (hit !== undefined && hit.jwt === jwt && (hit.token.notBefore === undefined || hit.token.notBefore * 1000 <= now)) {
      return hit.token;
    }
    const token = verify(jwt);
    return token instanceof Promise ? token.then((t) => remember(jwt, t)) : remember(jwt, token);
  };
}

function invalidClaim(detail: string): UnauthorizedError {
  return new UnauthorizedError("invalid_claims", detail);
}

/** aws-jwt-verify's errors, mapped by class (never by name: minification renames classes). */
function asAuthorizerError(error: unknown): AuthorizerError {
  if (error instanceof AuthorizerError) return error;
  const reason = refusalReason(error);
  if (reason !== undefined) return new UnauthorizedError(reason, (error as Error).message);
  // Anything else (a key the JWKS served that crypto cannot use, a library misconfiguration) is ours to fix: fail closed.
  return new DependencyError("token verification failed", { cause: error });
}

function refusalReason(error: unknown): ReasonCode | undefined {
  if (error instanceof JwtExpiredError || error instanceof JwtNotBeforeError) return "token_expired";
  if (error instanceof JwtInvalidClaimError) return "invalid_claims";
  if (error instanceof JwtParseError) return "malformed_token";
  if (
    error instanceof JwtInvalidSignatureError ||
    error instanceof FailedAssertionError || // signature algorithm, key use or key type
    error instanceof JwtWithoutValidKidError ||
    error instanceof KidNotFoundInJwksError ||
    error instanceof WaitPeriodNotYetEndedJwkError // an unknown kid was just looked for: aws-jwt-verify backs off 10 s
  ) {
    return "invalid_signature";
  }
  return undefined;
}
