/**
 * Example backend of the MFA bootstrap route `GET /api/users/me/mfa/status`, behind the no-MFA authorizer:
 * tells a signed-in user whether TOTP is enrolled, so the app can send them to enrolment. Not an authorizer.
 */
import { AdminGetUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";

export interface MfaStatusOptions {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
  /** `Access-Control-Allow-Origin` of the answer. */
  readonly allowedOrigin: string;
}

export function createMfaStatusHandler(options: MfaStatusOptions): (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult> {
  const answer = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
    statusCode,
    headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": options.allowedOrigin },
    body: JSON.stringify(body),
  });
  return async (event) => {
    // Set by the authorizer: the token's username (with email sign-in, the user's UUID).
    const username = event.requestContext.authorizer?.username;
    if (typeof username !== "string") return answer(500, { message: "Internal server error" });
    const user = await options.client.send(new AdminGetUserCommand({ UserPoolId: options.userPoolId, Username: username }));
    return answer(200, { enabled: user.UserMFASettingList?.includes("SOFTWARE_TOKEN_MFA") ?? false, required: true });
  };
}
