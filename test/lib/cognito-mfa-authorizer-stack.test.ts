import { App, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { CognitoMfaAuthorizerStack } from "../../lib/cognito-mfa-authorizer-stack";
import { GATEWAY_RESPONSES } from "../../lib/gateway-responses";

const stack = new CognitoMfaAuthorizerStack(new App(), "Stack");
const template = Template.fromStack(stack);
const resolve = (value: unknown) => Stack.of(stack).resolve(value);

describe("the user pool", () => {
  it("signs in by email, with TOTP as the only MFA and MFA OPTIONAL", () => {
    template.hasResourceProperties("AWS::Cognito::UserPool", {
      UsernameAttributes: ["email"],
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      DeletionProtection: "ACTIVE",
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
      },
    });
  });

  it("has an app client without a secret or OAuth, SRP only, with one-hour access tokens", () => {
    template.hasResourceProperties("AWS::Cognito::UserPoolClient", {
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      AllowedOAuthFlows: Match.absent(),
      AccessTokenValidity: 60,
      TokenValidityUnits: Match.objectLike({ AccessToken: "minutes" }),
      EnableTokenRevocation: true,
    });
  });

  it("allows USER_PASSWORD_AUTH and turns deletion protection off only when asked", () => {
    const custom = Template.fromStack(new CognitoMfaAuthorizerStack(new App(), "Custom", { allowPasswordAuth: true, deletionProtection: false }));

    custom.hasResourceProperties("AWS::Cognito::UserPoolClient", { ExplicitAuthFlows: Match.arrayWith(["ALLOW_USER_PASSWORD_AUTH"]) });
    custom.hasResourceProperties("AWS::Cognito::UserPool", { DeletionProtection: "INACTIVE" });
  });
});

describe("the API", () => {
  const methods = Object.values(template.findResources("AWS::ApiGateway::Method"));
  const authorizerIds = {
    strict: resolve(stack.authorizers.strict.authorizerId),
    noMfa: resolve(stack.authorizers.noMfa.authorizerId),
  };
  const path = (method: Record<string, any>) => JSON.stringify(method.Properties.ResourceId);

  it("authorizes every method but the CORS preflights", () => {
    const guarded = methods.filter((m) => m.Properties.HttpMethod !== "OPTIONS");

    expect(guarded).toHaveLength(3);
    for (const method of guarded) expect(method.Properties.AuthorizationType).toBe("CUSTOM");
  });

  it("guards only GET /api/users/me/mfa/status with the no-MFA authorizer", () => {
    const byAuthorizer = (id: unknown) => methods.filter((m) => JSON.stringify(m.Properties.AuthorizerId) === JSON.stringify(id)).map(path);

    expect(byAuthorizer(authorizerIds.noMfa)).toEqual([expect.stringMatching(/apiusersmemfastatus/)]);
    expect(byAuthorizer(authorizerIds.strict)).toHaveLength(2);
  });

  it.each(Object.entries(GATEWAY_RESPONSES))("answers %s with its status, JSON body and CORS headers", (type, definition) => {
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: type,
      StatusCode: String(definition.statusCode),
      ResponseTemplates: { "application/json": definition.bodyTemplate },
      ResponseParameters: Match.objectLike({
        "gatewayresponse.header.Access-Control-Allow-Origin": "'*'",
        ...Object.fromEntries(Object.entries(definition.headers).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`])),
      }),
    });
  });

  it("sends WWW-Authenticate: Bearer with a 401 and the Deny message with a 403", () => {
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "UNAUTHORIZED",
      StatusCode: "401",
      ResponseParameters: Match.objectLike({ "gatewayresponse.header.WWW-Authenticate": "'Bearer'" }),
    });
    template.hasResourceProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseType: "ACCESS_DENIED",
      StatusCode: "403",
      ResponseTemplates: { "application/json": '{"message":"$context.authorizer.message"}' },
    });
  });

  it("uses the allowed origin of its props everywhere", () => {
    const custom = Template.fromStack(new CognitoMfaAuthorizerStack(new App(), "Origin", { allowedOrigin: "https://app.example.com" }));

    custom.allResourcesProperties("AWS::ApiGateway::GatewayResponse", {
      ResponseParameters: Match.objectLike({ "gatewayresponse.header.Access-Control-Allow-Origin": "'https://app.example.com'" }),
    });
  });

  it("logs access and traces, but never request or response data (it would log tokens)", () => {
    template.hasResourceProperties("AWS::ApiGateway::Stage", {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ DataTraceEnabled: false, LoggingLevel: "ERROR", HttpMethod: "*", ResourcePath: "/*" })],
    });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/"DataTraceEnabled":true/);
  });

  it("turns the authorizers' alarms on", () => {
    template.resourceCountIs("AWS::CloudWatch::Alarm", 3);
  });

  it("outputs the API URL, the pool id and the client id", () => {
    template.hasOutput("ApiUrl", {});
    template.hasOutput("UserPoolId", { Value: { Ref: Match.stringLikeRegexp("UserPool") } });
    template.hasOutput("UserPoolClientId", { Value: { Ref: Match.stringLikeRegexp("AppClient") } });
  });

  it("backs the MFA status route with the example function, which may only read users of this pool", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("MFA status"),
      Environment: { Variables: { USER_POOL_ID: { Ref: Match.stringLikeRegexp("UserPool") }, ALLOWED_ORIGIN: "*" } },
    });
  });
});
