import { DEFAULTS, LIMITS } from "./defaults";
import { ConfigurationError } from "./errors";

export type MfaLookupMode = "admin" | "token";
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "CRITICAL" | "SILENT";

/** Everything the authorizers need from their environment, validated once at start-up. */
export interface Config {
  /** e.g. `eu-west-2_AbCdEf123`. */
  readonly userPoolId: string;
  /** The pool's region (its id's prefix): the issuer's and the Cognito API's, whatever `AWS_REGION` says. */
  readonly region: string;
  /** The one issuer accepted: `https://cognito-idp.<region>.amazonaws.com/<pool>`. */
  readonly issuer: string;
  /** Where the pool's signing keys are fetched from. */
  readonly jwksUri: string;
  /** App clients whose access tokens are accepted (at least one). */
  readonly clientIds: readonly string[];
  /** Strict only: deny callers without TOTP. With `false` the user is still looked up. */
  readonly enforceMfa: boolean;
  /** Strict only: how the MFA status is read. */
  readonly mfaLookup: MfaLookupMode;
  /** How long a positive MFA lookup may be reused; 0 means every request asks Cognito. */
  readonly mfaCacheTtlSeconds: number;
  /** Upper bound on one JWKS fetch. */
  readonly jwksTimeoutMs: number;
  /** Upper bound on one MFA lookup, retries included. */
  readonly cognitoTimeoutMs: number;
  /** Verified tokens remembered until they expire; 0 turns the cache off. */
  readonly tokenCacheSize: number;
  readonly logLevel: LogLevel;
  /** Loopback emulator endpoint (cognito-local); undefined means real Cognito. */
  readonly cognitoEndpoint: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

const CLIENT_ID = /^[\w+]{1,128}$/;
/** Powertools' levels and their severities: a line is written when its level's severity is at least the configured one's. */
export const LOG_LEVEL_SEVERITY: Readonly<Record<LogLevel, number>> = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 };
const LOG_LEVELS = Object.keys(LOG_LEVEL_SEVERITY) as LogLevel[];
export const MFA_LOOKUP_MODES: readonly MfaLookupMode[] = ["admin", "token"];

const ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER";

/** Reads and validates the configuration; throws a {@link ConfigurationError} naming the first bad variable. */
export function loadConfig(env: Env): Config {
  const userPoolId = required(env, "USER_POOL_ID");
  const { region, issuer, jwksUri: cognitoJwksUri } = parseUserPoolId(userPoolId);
  const cognitoEndpoint = loopbackEndpoint(env);
  return Object.freeze({
    userPoolId,
    region,
    issuer,
    // An emulator serves the JWKS under its own origin, at the path Cognito uses.
    jwksUri: cognitoEndpoint ? `${cognitoEndpoint}/${userPoolId}/.well-known/jwks.json` : cognitoJwksUri,
    clientIds: Object.freeze(clientIds(env)),
    enforceMfa: boolean(env, "ENFORCE_MFA", DEFAULTS.enforceMfa),
    mfaLookup: oneOf(env, "MFA_LOOKUP", MFA_LOOKUP_MODES, DEFAULTS.mfaLookup),
    mfaCacheTtlSeconds: integer(env, "MFA_CACHE_TTL_SECONDS", DEFAULTS.mfaCacheTtlSeconds, LIMITS.mfaCacheTtlSeconds),
    jwksTimeoutMs: integer(env, "JWKS_TIMEOUT_MS", DEFAULTS.jwksTimeoutMs, LIMITS.timeoutMs),
    cognitoTimeoutMs: integer(env, "COGNITO_TIMEOUT_MS", DEFAULTS.cognitoTimeoutMs, LIMITS.timeoutMs),
    tokenCacheSize: integer(env, "TOKEN_CACHE_SIZE", DEFAULTS.tokenCacheSize, LIMITS.tokenCacheSize),
    logLevel: oneOf(env, "POWERTOOLS_LOG_LEVEL", LOG_LEVELS, DEFAULTS.logLevel),
    cognitoEndpoint,
  });
}

/** The value trimmed, or undefined when unset or blank (a blank line in an env file means "use the default"). */
function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

function required(env: Env, name: string): string {
  const raw = value(env, name);
  if (raw === undefined) throw new ConfigurationError(name, "is required");
  return raw;
}

/** aws-jwt-verify's pattern for a pool id (CognitoJwtVerifier.USER_POOL_ID_REGEX): `<region>_<id>`. */
const USER_POOL_ID = /^((?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d)_[a-zA-Z0-9]+$/;

/** The pool's regional issuer and JWKS, as Cognito publishes them. */
function parseUserPoolId(userPoolId: string): { region: string; issuer: string; jwksUri: string } {
  const match = USER_POOL_ID.exec(userPoolId);
  if (match === null) throw new ConfigurationError("USER_POOL_ID", `must look like eu-west-2_AbCdEf123, got "${userPoolId}"`);
  const issuer = `https://cognito-idp.${match[1]}.amazonaws.com/${userPoolId}`;
  return { region: match[1], issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
}

function clientIds(env: Env): string[] {
  const ids = required(env, "USER_POOL_CLIENT_IDS")
    .split(",")
    .map((id) => id.trim());
  const bad = ids.find((id) => !CLIENT_ID.test(id));
  if (bad !== undefined) {
    throw new ConfigurationError("USER_POOL_CLIENT_IDS", `must be comma-separated app client ids, got "${bad}"`);
  }
  return ids;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = oneOf(env, name, ["true", "false", "1", "0"] as const, String(fallback) as "true" | "false");
  return raw === "true" || raw === "1";
}

function integer(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const parsed = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(parsed >= range.min && parsed <= range.max)) {
    throw new ConfigurationError(name, `must be an integer from ${range.min} to ${range.max}, got "${raw}"`);
  }
  return parsed;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const match = allowed.find((option) => option.toLowerCase() === raw.toLowerCase());
  if (match === undefined) throw new ConfigurationError(name, `must be one of ${allowed.join(", ")}, got "${raw}"`);
  return match;
}

/** The emulator endpoint without a trailing slash. Only loopback is accepted: a token or lookup must never be sent elsewhere. */
function loopbackEndpoint(env: Env): string | undefined {
  const raw = value(env, ENDPOINT_VARIABLE);
  if (raw === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (url === undefined || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash || !isLoopback(url.hostname)) {
    throw new ConfigurationError(
      ENDPOINT_VARIABLE,
      `is for emulators only: an http(s) URL on localhost, 127.0.0.0/8 or [::1]; got "${raw}"`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function isLoopback(hostname: string): boolean {
  // URL has already normalised the host: IPv4 shorthand such as 127.1 reads 127.0.0.1, IPv6 stays bracketed.
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
