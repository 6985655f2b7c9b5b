/**
 * Every refusal or failure of the authorizer carries one of these reason codes.
 * They feed the decision log, metrics and the Deny context, so the set is closed.
 */
export type ReasonCode =
  /** No `Authorization` header at all. */
  | "missing_token"
  /** The header is there but is not exactly one `Bearer <jwt>`. */
  | "malformed_header"
  /** The token is not three canonical base64url segments, or its parts are not JSON. */
  | "malformed_token"
  /** Signature, key id or algorithm do not check out against the pool's JWKS. */
  | "invalid_signature"
  /** `exp` has passed or `nbf` has not come yet. */
  | "token_expired"
  /** A claim is missing or wrong: issuer, token use, client id, sub, username, exp. */
  | "invalid_claims"
  /** The pool does not know the user, or knows a different user under that name. */
  | "user_not_found"
  /** The user exists but is disabled. */
  | "user_disabled"
  /** Cognito refused the token itself (`MFA_LOOKUP=token`): signed out globally, or the user is disabled. */
  | "token_revoked"
  /** Valid token, but no TOTP authenticator enrolled. */
  | "mfa_enrolment_required"
  /** The JWKS or Cognito failed, timed out or answered garbage. */
  | "dependency_failure"
  /** Cognito refused the MFA lookup for its request rate (TooManyRequestsException): fails closed like a failure. */
  | "cognito_throttled"
  /** The function received an event it is not built for (a deployment mistake). */
  | "unsupported_event"
  /** A bug: something failed that no other code describes. Fails closed like a dependency failure. */
  | "internal_error";

/** Base of the authorizer's own errors: a reason code, a `name` that survives minification, and a `cause`. */
export abstract class AuthorizerError extends Error {
  abstract override readonly name: string;

  protected constructor(
    message: string,
    readonly reason: ReasonCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * The caller is not authenticated. API Gateway turns a thrown error whose message is exactly
 * `Unauthorized` into a 401, so the message is fixed and the explanation travels in `detail`.
 * It carries no `cause` and no stack: a refusal is an answer, not a fault, and capturing a stack
 * would cost more than refusing a malformed token does.
 */
export class UnauthorizedError extends AuthorizerError {
  declare readonly name: "UnauthorizedError";
  readonly detail: string;

  constructor(reason: ReasonCode, detail: string) {
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super("Unauthorized", reason);
    Error.stackTraceLimit = stackTraceLimit;
    this.detail = detail;
  }
}
Object.defineProperty(UnauthorizedError.prototype, "name", { value: "UnauthorizedError" });

/** The JWKS or Cognito could not give an answer in time: fail closed (API Gateway answers 500). */
export class DependencyError extends AuthorizerError {
  override readonly name = "DependencyError";

  constructor(message: string, options?: ErrorOptions & { reason?: "cognito_throttled" }) {
    super(message, options?.reason ?? "dependency_failure", options);
  }
}

/** The event is not one this function accepts: a wiring mistake, answered with 500, never an Allow. */
export class UnsupportedEventError extends AuthorizerError {
  override readonly name = "UnsupportedEventError";

  constructor(message: string) {
    super(message, "unsupported_event");
  }
}

/** A configuration value is missing or malformed; thrown while the bundle loads (a Lambda init error). */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";

  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

/** Something failed that no other error describes (a bug): logged with its cause, answered with 500. */
export class InternalError extends AuthorizerError {
  override readonly name = "InternalError";

  constructor(cause: unknown) {
    super("Internal authorizer error", "internal_error", { cause });
  }
}
