/**
 * No-MFA authorizer, for the few bootstrap routes a user without TOTP must reach (MFA status, enrolment):
 * a valid access token of this pool and client, no MFA lookup. It never imports the AWS SDK.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { fromRestRequestEvent } from "./adapters/rest-request";
import { createAuthorizer } from "./core/authorizer";
import { loadConfig } from "./core/config";
import { createDecisionLog } from "./core/decision-log";
import { createTokenVerifier } from "./core/token-verifier";

const config = loadConfig(process.env);

export const handler: (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult> =
  createAuthorizer({
    adapt: fromRestRequestEvent,
    verifyToken: createTokenVerifier(config),
    log: createDecisionLog(config, "no-mfa"),
  });
