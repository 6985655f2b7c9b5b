import { App, Duration, Stack } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { UserPool } from "aws-cdk-lib/aws-cognito";
import { MfaAuthorizers, type MfaAuthorizersProps } from "../../lib/mfa-authorizers";

type Settings = Omit<MfaAuthorizersProps, "userPool" | "userPoolClients">;

/** The construct on someone else's API: a pool, a client, and one method per authorizer. */
function synth(settings: Settings = {}): Template {
  const stack = new Stack(new App(), "Consumer");
  const userPool = new UserPool(stack, "Pool");
  const client = userPool.addClient("Client");
  const authorizers = new MfaAuthorizers(stack, "Authorizers", { userPool, userPoolClients: [client], ...settings });
  const api = new RestApi(stack, "Api");
  api.root.addResource("a").addMethod("GET", new MockIntegration(), { authorizer: authorizers.strict });
  api.root.addResource("b").addMethod("GET", new MockIntegration(), { authorizer: authorizers.noMfa });
  return Template.fromStack(stack);
}

const build = (settings: Settings) => () => synth(settings);
const functionWith = (description: string) => ({ Description: Match.stringLikeRegexp(description) });

describe("MfaAuthorizers", () => {
  const template = synth();

  it("creates both functions from the npm run build bundles, Node 22 on ARM64", () => {
    for (const name of ["strict", "no-mfa"]) {
      template.hasResourceProperties("AWS::Lambda::Function", {
        ...functionWith(`${name} REQUEST authorizer`),
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        Handler: "index.handler",
        MemorySize: 256,
      });
    }
    template.resourceCountIs("AWS::Lambda::Function", 2);
  });

  it("passes only the pool and the clients by default, leaving every other default to the handler", () => {
    for (const name of ["strict", "no-mfa"]) {
      template.hasResourceProperties("AWS::Lambda::Function", {
        ...functionWith(name),
        Environment: { Variables: { USER_POOL_ID: { Ref: Match.stringLikeRegexp("Pool") }, USER_POOL_CLIENT_IDS: { Ref: Match.stringLikeRegexp("PoolClient") } } },
      });
    }
  });

  it("gives each function time to log a dependency failure before Lambda stops it", () => {
    template.hasResourceProperties("AWS::Lambda::Function", { ...functionWith("strict"), Timeout: 7 });
    template.hasResourceProperties("AWS::Lambda::Function", { ...functionWith("no-mfa"), Timeout: 4 });
    const custom = synth({ jwksTimeout: Duration.millis(1500), cognitoTimeout: Duration.seconds(2) });
    custom.hasResourceProperties("AWS::Lambda::Function", {
      ...functionWith("strict"),
      Timeout: 5,
      Environment: { Variables: Match.objectLike({ JWKS_TIMEOUT_MS: "1500", COGNITO_TIMEOUT_MS: "2000" }) },
    });
  });

  it("maps the settings to the contract's environment variables", () => {
    synth({ mfaCacheTtl: Duration.minutes(1), mfaLookup: "token", enforceMfa: false, logLevel: "WARN" }).hasResourceProperties(
      "AWS::Lambda::Function",
      {
        ...functionWith("strict"),
        Environment: {
          Variables: Match.objectLike({ MFA_CACHE_TTL_SECONDS: "60", MFA_LOOKUP: "token", ENFORCE_MFA: "false", POWERTOOLS_LOG_LEVEL: "WARN" }),
        },
      },
    );
  });

  it("never points the functions at an emulator", () => {
    const everyVariable = JSON.stringify(template.findResources("AWS::Lambda::Function"));

    expect(everyVariable).not.toContain("AWS_ENDPOINT_URL");
  });

  it("grants exactly cognito-idp:AdminGetUser on the pool to strict, and nothing to no-mfa", () => {
    const statements = (policy: string) =>
      Object.values(template.findResources("AWS::IAM::Policy"))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(policy))
        .flatMap((p) => p.Properties.PolicyDocument.Statement);

    expect(statements("StrictRole")).toContainEqual({
      Action: "cognito-idp:AdminGetUser",
      Effect: "Allow",
      Resource: { "Fn::GetAtt": [expect.stringMatching(/^Pool/), "Arn"] },
    });
    expect(JSON.stringify(statements("StrictRole"))).not.toMatch(/cognito-idp:(?!AdminGetUser)/);
    expect(JSON.stringify(statements("NoMfaRole"))).not.toContain("cognito-idp");
    const roles = Object.entries(template.findResources("AWS::IAM::Role")).filter(([id]) => id.startsWith("Authorizers"));
    expect(roles).toHaveLength(2);
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it("grants nothing in Cognito in token mode", () => {
    expect(JSON.stringify(synth({ mfaLookup: "token" }).findResources("AWS::IAM::Policy"))).not.toContain("cognito-idp");
  });

  it("creates two REQUEST authorizers without a result cache by default", () => {
    template.resourceCountIs("AWS::ApiGateway::Authorizer", 2);
    template.allResourcesProperties("AWS::ApiGateway::Authorizer", {
      Type: "REQUEST",
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: "",
    });
  });

  it("keys a result cache on the Authorization header", () => {
    synth({ noMfaResultsCacheTtl: Duration.minutes(5), strictResultsCacheTtl: Duration.seconds(30), acknowledgeStrictCacheStaleness: true })
      .allResourcesProperties("AWS::ApiGateway::Authorizer", { IdentitySource: "method.request.header.Authorization" });
  });

  it("writes the function logs to own log groups with a retention", () => {
    template.resourceCountIs("AWS::Logs::LogGroup", 2);
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: 30 });
  });

  it.each<[string, Settings, RegExp]>([
    ["a strict result cache without acknowledging its staleness", { strictResultsCacheTtl: Duration.seconds(60) }, /acknowledgeStrictCacheStaleness/],
    ["an MFA cache TTL above a day", { mfaCacheTtl: Duration.days(2) }, /mfaCacheTtl/],
    ["a JWKS timeout of 0", { jwksTimeout: Duration.millis(0) }, /jwksTimeout/],
    ["a Cognito timeout above 30 s", { cognitoTimeout: Duration.seconds(31) }, /cognitoTimeout/],
    ["too little memory", { memorySize: 64 }, /memorySize/],
  ])("refuses %s at synth time", (_, settings, message) => {
    expect(build(settings)).toThrow(message);
  });

  it("creates no alarms unless asked", () => {
    template.resourceCountIs("AWS::CloudWatch::Alarm", 0);
  });

  it("alarms on any 500 of either function and any Cognito throttling, from the functions' own metrics", () => {
    const alarmed = synth({ alarms: true });

    alarmed.resourceCountIs("AWS::CloudWatch::Alarm", 3);
    for (const [metric, handler] of [["Error", "strict"], ["Error", "no-mfa"], ["CognitoThrottle", "strict"]]) {
      alarmed.hasResourceProperties("AWS::CloudWatch::Alarm", {
        Namespace: "CognitoMfaAuthorizer",
        MetricName: metric,
        Dimensions: Match.arrayWith([{ Name: "handler", Value: handler }, { Name: "service", Value: "cognito-mfa-authorizer" }]),
        Statistic: "Sum",
        Period: 300,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        TreatMissingData: "notBreaching",
      });
    }
  });

  it("refuses an empty client list", () => {
    const stack = new Stack(new App(), "Empty");
    const userPool = new UserPool(stack, "Pool");

    expect(() => new MfaAuthorizers(stack, "Authorizers", { userPool, userPoolClients: [] })).toThrow(/userPoolClients/);
  });
});
