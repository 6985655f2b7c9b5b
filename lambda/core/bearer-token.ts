import { UnauthorizedError } from "./errors";

/**
 * API Gateway REST APIs refuse request headers over 10 KB, so a longer value cannot be a real token;
 * refusing it first keeps an oversized header from costing a regex or a decode.
 */
const MAX_HEADER_LENGTH = 10_240;

/** `Bearer`, case-insensitive, one or more spaces, then exactly three base64url segments. */
const BEARER_JWT = /^bearer +(([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+))$/i;
const BEARER_ANYTHING = /^bearer +\S+$/i;

/**
 * For a segment whose length is 2 or 3 modulo 4, the last character carries 4 or 2 unused bits.
 * Canonical base64url leaves them zero, so only these characters may end such a segment.
 */
const CANONICAL_LAST = { 2: /[AQgw]$/, 3: /[AEIMQUYcgkosw048]$/ } as const;

/**
 * Reads the one `Authorization` header value and returns the JWT it carries, or throws a 401.
 * Only the form is checked here, before any decoding or cryptography.
 */
export function parseBearerToken(headerValue: string): string {
  const value = headerValue.trim();
  if (value.length > MAX_HEADER_LENGTH) {
    throw new UnauthorizedError("malformed_header", `Authorization header is longer than ${MAX_HEADER_LENGTH} characters`);
  }
  const match = BEARER_JWT.exec(value);
  if (match === null) {
    throw BEARER_ANYTHING.test(value)
      ? new UnauthorizedError("malformed_token", "token is not three base64url segments")
      : new UnauthorizedError("malformed_header", "Authorization header is not `Bearer <token>`");
  }
  for (let i = 2; i <= 4; i++) assertCanonicalBase64Url(match[i]);
  return match[1];
}

/** Rejects the encodings that decoders accept but no issuer produces: impossible lengths and non-zero unused bits. */
function assertCanonicalBase64Url(segment: string): void {
  const remainder = segment.length % 4;
  if (remainder === 1 || (remainder > 1 && !CANONICAL_LAST[remainder as 2 | 3].test(segment))) {
    throw new UnauthorizedError("malformed_token", "token segment is not canonical base64url");
  }
}
