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
} as const;

/** The accepted ranges, which the CDK construct checks its props against as well. */
export const LIMITS = {
  mfaCacheTtlSeconds: { min: 0, max: 86_400 },
  timeoutMs: { min: 1, max: 30_000 },
} as const;
