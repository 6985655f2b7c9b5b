/**
 * The defaults of the tunable settings, in one place: the handlers' configuration applies them, and the CDK
 * construct reads them to size the function timeout without writing them a second time.
 */
export const DEFAULTS = {
  enforceMfa: true,
  mfaLookup: "admin",
  /** 0: every strict request asks Cognito, so an admin reset bites on the next request. */
  mfaCacheTtlSeconds: 0,
  jwksTimeoutMs: 3000,
  cognitoTimeoutMs: 3000,
  logLevel: "INFO",
  /**
   * Verified tokens kept (LRU) so a repeated token skips the signature check; `exp` and `nbf` are still
   * checked on every hit. 1000 entries of at most 10 KB each bound it to about 10 MB, typically 1.5 MB.
   */
  tokenCacheSize: 1000,
} as const;

/** The accepted ranges, which the CDK construct checks its props against as well. */
export const LIMITS = {
  mfaCacheTtlSeconds: { min: 0, max: 86_400 },
  timeoutMs: { min: 1, max: 30_000 },
  tokenCacheSize: { min: 0, max: 100_000 },
} as const;
