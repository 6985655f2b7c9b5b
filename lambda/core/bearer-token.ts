import { UnauthorizedError } from "./errors";

/**
 * API Gateway REST APIs refuse request headers over 10 KB, so a longer value cannot be a real token;
 * refusing it first keeps an oversized header from costing a scan or a decode.
 */
const MAX_HEADER_LENGTH = 10_240;

/** `Bearer`, case-insensitive, then one or more spaces. */
const BEARER_SCHEME = /^bearer +/i;

/**
 * For a segment whose length is 2 or 3 modulo 4, the last character carries 4 or 2 unused bits.
 * Canonical base64url leaves them zero, so only these characters may end such a segment.
 */
const CANONICAL_LAST: Readonly<Record<number, string>> = { 2: "AQgw", 3: "AEIMQUYcgkosw048" };

/**
 * Reads the one `Authorization` header value and returns what follows `Bearer`, or throws a 401.
 * Only the scheme is checked here; {@link assertCanonicalJwt} checks the token's form before any decoding.
 */
export function parseBearerToken(headerValue: string): string {
  const value = headerValue.trim();
  if (value.length > MAX_HEADER_LENGTH) {
    throw new UnauthorizedError("malformed_header", `Authorization header is over ${MAX_HEADER_LENGTH} characters`);
  }
  const scheme = BEARER_SCHEME.exec(value);
  if (scheme === null || scheme[0].length === value.length) {
    throw new UnauthorizedError("malformed_header", "Authorization header is not `Bearer <token>`");
  }
  const token = value.slice(scheme[0].length);
  if (token.includes(" ")) throw new UnauthorizedError("malformed_header", "more than one token in the Authorization header");
  return token;
}

/**
 * What canonical base64url adds to "three segments of base64url characters": no padding, no impossible
 * lengths, no non-zero unused bits — which decoders accept but no issuer produces. The characters themselves
 * are checked next by aws-jwt-verify's own shape test, still before any decoding or crypto (scanning a 1 KB
 * token twice costs 3 % of a verification; test/core/token-verifier.test.ts covers the pair).
 */
export function assertCanonicalJwt(token: string): void {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 1 || second < first + 2 || second === token.length - 1 || token.indexOf(".", second + 1) !== -1) {
    throw new UnauthorizedError("malformed_token", "token is not three base64url segments");
  }
  if (token.includes("=") || !canonicalEnd(token, 0, first) || !canonicalEnd(token, first + 1, second) || !canonicalEnd(token, second + 1, token.length)) {
    throw new UnauthorizedError("malformed_token", "token segment is not canonical base64url");
  }
}

function canonicalEnd(token: string, start: number, end: number): boolean {
  const remainder = (end - start) % 4;
  return remainder === 0 || (remainder > 1 && CANONICAL_LAST[remainder].includes(token[end - 1]));
}
