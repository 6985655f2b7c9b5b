/**
 * Strict authorizer: a valid access token of this pool and client, and TOTP enrolled right now.
 * Configuration is read once, when Lambda loads the bundle; a bad value fails the init, naming the variable.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { fromRestRequestEvent } from "./adapters/rest-request";
import { createAuthorizer } from "./core/authorizer";
import { loadConfig } from "./core/config";
import { createDecisionLog } from "./core/decision-log";
import { createMfaLookup } from "./core/mfa-lookup";
import { createTokenVerifier } from "./core/token-verifier";

const config = loadConfig(process.env);

export const handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> =
  createAuthorizer({
    adapt: fromRestRequestEvent,
    verifyToken: createTokenVerifier(config),
    mfa: { lookup: createMfaLookup(config), enforce: config.enforceMfa },
    log: createDecisionLog(config, "strict"),
  });
