import { AdminGetUserCommand, CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import type { APIGatewayProxyEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { createMfaStatusHandler } from "../../lambda/examples/mfa-status-route";

const cognito = mockClient(CognitoIdentityProviderClient);
const handler = createMfaStatusHandler({
  client: new CognitoIdentityProviderClient({ region: "eu-west-2" }),
  userPoolId: "eu-west-2_AbCdEf123",
  allowedOrigin: "https://app.example.com",
});
const eventFor = (authorizer: Record<string, unknown> | null) => ({ requestContext: { authorizer } }) as unknown as APIGatewayProxyEvent;

beforeEach(() => cognito.reset());

describe("the example MFA status route", () => {
  it.each([
    [["SOFTWARE_TOKEN_MFA"], true],
    [[], false],
    [undefined, false],
  ])("answers enabled for the MFA list %j: %s", async (list, enabled) => {
    cognito.on(AdminGetUserCommand, { UserPoolId: "eu-west-2_AbCdEf123", Username: "u-1" }).resolves({ UserMFASettingList: list });

    await expect(handler(eventFor({ username: "u-1" }))).resolves.toEqual({
      statusCode: 200,
      headers: { "Content-Type": "application/json", "Access-Control-Allow-Origin": "https://app.example.com" },
      body: JSON.stringify({ enabled, required: true }),
    });
  });

  it("answers 500 without asking Cognito when no authorizer context arrived", async () => {
    await expect(handler(eventFor(null))).resolves.toMatchObject({ statusCode: 500 });
    expect(cognito.calls()).toHaveLength(0);
  });
});
