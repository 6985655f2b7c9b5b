import type { APIGatewayAuthorizerResult } from "aws-lambda";
import type { DecisionLog } from "./decision-log";
import { AuthorizerError, InternalError, UnauthorizedError } from "./errors";
import type { MfaLookup, MfaStatus } from "./mfa-lookup";
import { buildPolicy, type PolicyContext } from "./policy";
import type { AccessToken, TokenVerifier } from "./token-verifier";

/** What an event adapter hands the core: the bearer token (form already checked) and the policy resource. */
export interface AuthorizationRequest {
  readonly token: string;
  readonly resource: string;
}

/** Turns one kind of API Gateway event into an {@link AuthorizationRequest}, or throws. */
export type EventAdapter = (event: unknown) => AuthorizationRequest;

export interface AuthorizerDependencies {
  readonly adapt: EventAdapter;
  readonly verifyToken: TokenVerifier;
  /** Strict handler only: the lookup, and whether a missing enrolment is denied (`ENFORCE_MFA`). */
  readonly mfa?: { readonly lookup: MfaLookup; readonly enforce: boolean };
  readonly log: DecisionLog;
}

export type Authorizer = (event: unknown) => Promise<APIGatewayAuthorizerResult>;

export const MFA_REQUIRED_MESSAGE = "MFA enrolment required";

/**
 * The decision pipeline shared by both handlers: adapt the event, verify the token, (strict) look up MFA,
 * answer with a policy or throw. Every decision is logged once, with its reason code and never the token.
 */
export function createAuthorizer(deps: AuthorizerDependencies): Authorizer {
  let coldStart = true;

  const decide = async (
    request: AuthorizationRequest,
    token: AccessToken,
    mfa: NonNullable<AuthorizerDependencies["mfa"]>,
    timing: { mfaLookupMs?: number },
  ) => {
    const lookupStarted = performance.now();
    let status: MfaStatus;
    try {
      status = await mfa.lookup(token, request.token);
    } finally {
      // Timed when it fails too: a slow failing Cognito is what the latency metric is for.
      timing.mfaLookupMs = elapsedMs(lookupStarted);
    }
    const context: PolicyContext = {
      ...identity(token),
      mfa: String(status.enrolled),
      ...(status.email !== undefined && { email: status.email }),
    };
    if (!status.enrolled && mfa.enforce) {
      return buildPolicy(token.sub, "Deny", request.resource, {
        ...context,
        reason: "mfa_enrolment_required",
        message: MFA_REQUIRED_MESSAGE,
      });
    }
    return buildPolicy(token.sub, "Allow", request.resource, context);
  };

  return async (event) => {
    const started = performance.now();
    const cold = coldStart;
    coldStart = false;
    let token: AccessToken | undefined;
    const timing: { mfaLookupMs?: number } = {};
    try {
      const request = deps.adapt(event);
      const verified = deps.verifyToken(request.token);
      // Awaited only when it is a promise: a cached token or key answers without a microtask hop.
      token = verified instanceof Promise ? await verified : verified;
      const result =
        deps.mfa === undefined
          ? // This handler does not look, so it never vouches for MFA.
            buildPolicy(token.sub, "Allow", request.resource, { ...identity(token), mfa: "false" })
          : await decide(request, token, deps.mfa, timing);
      const context = result.context as PolicyContext;
      deps.log.decided({
        decision: result.policyDocument.Statement[0].Effect === "Allow" ? "allow" : "deny",
        reason: context.reason as string | undefined,
        sub: token.sub,
        clientId: token.clientId,
        mfa: context.mfa,
        latencyMs: elapsedMs(started),
        mfaLookupMs: timing.mfaLookupMs,
        coldStart: cold,
      });
      return result;
    } catch (thrown) {
      const error = thrown instanceof AuthorizerError ? thrown : new InternalError(thrown);
      const fields = {
        reason: error.reason,
        sub: token?.sub,
        clientId: token?.clientId,
        latencyMs: elapsedMs(started),
        mfaLookupMs: timing.mfaLookupMs,
        coldStart: cold,
      };
      if (error instanceof UnauthorizedError) deps.log.decided({ decision: "unauthorized", ...fields, detail: error.detail });
      else deps.log.failed({ decision: "error", ...fields }, error);
      throw error;
    }
  };
}

/** Who the caller is, as every policy's context says it. */
const identity = (token: AccessToken) => ({ sub: token.sub, username: token.username, clientId: token.clientId });

/** Milliseconds since `started`, to the microsecond: enough precision, and a short number to print. */
const elapsedMs = (started: number): number => Math.round((performance.now() - started) * 1000) / 1000;
