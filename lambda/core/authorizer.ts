import type { Logger } from "@aws-lambda-powertools/logger";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { AuthorizerError, InternalError, UnauthorizedError } from "./errors";
import type { MfaLookup } from "./mfa-lookup";
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
  readonly logger: Logger;
}

export type Authorizer = (event: unknown) => Promise<APIGatewayAuthorizerResult>;

export const MFA_REQUIRED_MESSAGE = "MFA enrolment required";

/**
 * The decision pipeline shared by both handlers: adapt the event, verify the token, (strict) look up MFA,
 * answer with a policy or throw. Every decision is logged once, with its reason code and never the token.
 */
export function createAuthorizer(deps: AuthorizerDependencies): Authorizer {
  let coldStart = true;

  const decide = async (request: AuthorizationRequest, token: AccessToken): Promise<APIGatewayAuthorizerResult> => {
    const identity = { sub: token.sub, username: token.username, clientId: token.clientId };
    if (deps.mfa === undefined) {
      // This handler does not look, so it never vouches for MFA.
      return buildPolicy(token.sub, "Allow", request.resource, { ...identity, mfa: "false" });
    }
    const status = await deps.mfa.lookup(token, request.token);
    const context: PolicyContext = {
      ...identity,
      mfa: String(status.enrolled),
      ...(status.email !== undefined && { email: status.email }),
    };
    if (!status.enrolled && deps.mfa.enforce) {
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
    const decisionLog = { coldStart, latencyMs: 0 };
    coldStart = false;
    let token: AccessToken | undefined;
    try {
      const request = deps.adapt(event);
      token = await deps.verifyToken(request.token);
      const result = await decide(request, token);
      const context = result.context ?? {};
      decisionLog.latencyMs = performance.now() - started;
      deps.logger.info("decision", {
        ...decisionLog,
        decision: result.policyDocument.Statement[0].Effect === "Allow" ? "allow" : "deny",
        ...(context.reason !== undefined && { reason: context.reason }),
        sub: token.sub,
        clientId: token.clientId,
        mfa: context.mfa,
      });
      return result;
    } catch (thrown) {
      const error = thrown instanceof AuthorizerError ? thrown : new InternalError(thrown);
      decisionLog.latencyMs = performance.now() - started;
      const fields = {
        ...decisionLog,
        reason: error.reason,
        ...(token !== undefined && { sub: token.sub, clientId: token.clientId }),
      };
      if (error instanceof UnauthorizedError) {
        deps.logger.info("decision", { ...fields, decision: "unauthorized", detail: error.detail });
      } else {
        deps.logger.error("decision", { ...fields, decision: "error", error });
      }
      throw error;
    }
  };
}
