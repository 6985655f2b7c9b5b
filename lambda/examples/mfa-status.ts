/**
 * Lambda entry of the example MFA status route (see mfa-status-route.ts); the stack's demo API uses it.
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { createMfaStatusHandler } from "./mfa-status-route";

const userPoolId = process.env.USER_POOL_ID;
if (!userPoolId) throw new Error("USER_POOL_ID is required");

export const handler = createMfaStatusHandler({
  client: new CognitoIdentityProviderClient({}),
  userPoolId,
  allowedOrigin: process.env.ALLOWED_ORIGIN ?? "*",
});
