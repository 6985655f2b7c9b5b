import { Aspects, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from "aws-cdk-lib";
import {
  AccessLogFormat,
  Cors,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  MockIntegration,
  PassthroughBehavior,
  RequestValidator,
  ResponseType,
  RestApi,
  type IResource,
} from "aws-cdk-lib/aws-apigateway";
import { AccountRecovery, Mfa, UserPool, type OAuthSettings, type UserPoolClient } from "aws-cdk-lib/aws-cognito";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { EXAMPLE_ROUTES, MFA_STATUS_PATH } from "./example-routes";
import { GATEWAY_RESPONSES, corsHeaders } from "./gateway-responses";
import { bundledFunction } from "./bundled-function";
import { MfaAuthorizers, type MfaAuthorizersProps } from "./mfa-authorizers";
import { RouteGuard } from "./route-guard";

export interface CognitoMfaAuthorizerStackProps extends StackProps {
  /**
   * The browser origin allowed by CORS, on every answer including 401 and 403 (so an app can read
   * "MFA enrolment required"). Tokens travel in a header, not cookies, so `*` exposes no credentials.
   * @default "*"
   */
  readonly allowedOrigin?: string;
  /** Protects the user pool from deletion. @default true */
  readonly deletionProtection?: boolean;
  /** Lets the app client sign in with USER_PASSWORD_AUTH besides SRP (e.g. for test automation). @default false */
  readonly allowPasswordAuth?: boolean;
  /** @default Duration.hours(1) */
  readonly accessTokenValidity?: Duration;
  /** OAuth flows for the app client (hosted UI). @default - OAuth off */
  readonly oAuth?: OAuthSettings;
  /** Settings of the authorizers (MFA cache, lookup mode, memory, result cache TTLs…). @default - the construct's defaults, with alarms on */
  readonly authorizers?: Omit<MfaAuthorizersProps, "userPool" | "userPoolClients">;
}

/**
 * The product as one deployment: a Cognito user pool that keeps MFA OPTIONAL with TOTP only, an app client,
 * the two authorizers, and a REST API whose example routes they guard, with clean 401/403/500 JSON bodies.
 */
export class CognitoMfaAuthorizerStack extends Stack {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  readonly api: RestApi;
  readonly authorizers: MfaAuthorizers;

  constructor(scope: Construct, id: string, props: CognitoMfaAuthorizerStackProps = {}) {
    super(scope, id, props);
    const allowedOrigin = props.allowedOrigin ?? "*";

    this.userPool = new UserPool(this, "UserPool", {
      signInAliases: { email: true },
      autoVerify: { email: true },
      selfSignUpEnabled: false,
      // OPTIONAL on purpose: new and reset users must reach the enrolment routes. The strict authorizer
      // enforces TOTP on every request instead, so an admin "reset MFA" bites on the very next call.
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      { id: "AwsSolutions-COG2", reason: "MFA is OPTIONAL on purpose: the strict authorizer requires TOTP enrolment per request, so a reset bites at once and reset users can still reach enrolment" },
      { id: "AwsSolutions-COG8", reason: "Threat protection needs the Cognito Plus plan (a per-user cost); each deployment decides, the TOTP check stands on its own" },
    );

    this.client = this.userPool.addClient("AppClient", {
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: props.allowPasswordAuth ?? false },
      ...(props.oAuth ? { oAuth: props.oAuth } : { disableOAuth: true }),
      accessTokenValidity: props.accessTokenValidity ?? Duration.hours(1),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });

    this.authorizers = new MfaAuthorizers(this, "Authorizers", {
      alarms: true,
      ...props.authorizers,
      userPool: this.userPool,
      userPoolClients: [this.client],
    });

    this.api = this.restApi(allowedOrigin);
    this.addExampleRoutes(allowedOrigin);
    Aspects.of(this.api).add(
      new RouteGuard({
        noMfaAuthorizer: this.authorizers.noMfa,
        noMfaAllowlist: EXAMPLE_ROUTES.filter((r) => r.authorizer === "no-mfa").map((r) => `${r.method} ${r.path}`),
      }),
    );

    new CfnOutput(this, "ApiUrl", { value: this.api.url });
    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId });
    new CfnOutput(this, "UserPoolClientId", { value: this.client.userPoolClientId });
  }

  private restApi(allowedOrigin: string): RestApi {
    const accessLogs = new LogGroup(this, "ApiAccessLogs", { retention: RetentionDays.ONE_YEAR });
    const api = new RestApi(this, "Api", {
      description: "Example API guarded by the cognito-mfa-authorizer authorizers",
      cloudWatchRole: true,
      deployOptions: {
        stageName: "prod",
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: MethodLoggingLevel.ERROR,
        // Never on: it would write request headers, and so the bearer tokens, to the execution log.
        dataTraceEnabled: false,
        tracingEnabled: true,
        metricsEnabled: true,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: allowedOrigin === "*" ? Cors.ALL_ORIGINS : [allowedOrigin],
        allowHeaders: ["Authorization", "Content-Type"],
        allowMethods: ["GET", "OPTIONS"],
      },
    });
    const cors = quoted(corsHeaders(allowedOrigin));
    for (const [type, definition] of Object.entries(GATEWAY_RESPONSES)) {
      api.addGatewayResponse(`${type}Response`, {
        type: ResponseType.of(type),
        statusCode: String(definition.statusCode),
        responseHeaders: { ...cors, ...quoted(definition.headers) },
        templates: { "application/json": definition.bodyTemplate },
      });
    }
    Validations.of(api).acknowledge(
      { id: "AwsSolutions-APIG3", reason: "WAF is attached per environment (rate limits and IP rules differ); the authorizers do not depend on it" },
      { id: "AwsSolutions-COG4", reason: "A Cognito user pool authorizer cannot check MFA enrolment; the Lambda REQUEST authorizers verify the Cognito token and TOTP" },
      {
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]",
        reason: "API Gateway's account-wide CloudWatch role (needed for execution logs) uses this AWS managed policy by design",
      },
    );
    return api;
  }

  private addExampleRoutes(allowedOrigin: string): void {
    const validator = new RequestValidator(this, "RequireAuthorizationHeader", {
      restApi: this.api,
      // The routes require the Authorization header; bodies have no models yet, but validation is on for when they do.
      validateRequestParameters: true,
      validateRequestBody: true,
    });
    const mfaStatus = new LambdaIntegration(this.mfaStatusFunction(allowedOrigin));
    for (const route of EXAMPLE_ROUTES) {
      const resource = route.path.split("/").filter(Boolean).reduce<IResource>((parent, part) => parent.getResource(part) ?? parent.addResource(part), this.api.root);
      resource.addMethod(route.method, route.path === MFA_STATUS_PATH ? mfaStatus : contextEcho(allowedOrigin, route.path), {
        authorizer: route.authorizer === "strict" ? this.authorizers.strict : this.authorizers.noMfa,
        requestValidator: validator,
        requestParameters: { "method.request.header.Authorization": true },
        methodResponses: [{ statusCode: "200", responseParameters: { "method.response.header.Access-Control-Allow-Origin": true } }],
      });
    }
  }

  /** The example backend of the MFA status route: AdminGetUser for the caller, on this pool only. */
  private mfaStatusFunction(allowedOrigin: string): LambdaFunction {
    const fn = bundledFunction(this, "MfaStatus", {
      bundle: "examples/mfa-status",
      description: "Example route: MFA status of the caller",
      timeout: Duration.seconds(5),
      environment: { USER_POOL_ID: this.userPool.userPoolId, ALLOWED_ORIGIN: allowedOrigin },
    });
    this.userPool.grant(fn, "cognito-idp:AdminGetUser");
    return fn;
  }
}

/** Example strict routes answer from the authorizer context alone: no backend to deploy. */
function contextEcho(allowedOrigin: string, path: string): MockIntegration {
  const identity = '"sub":"$context.authorizer.sub","username":"$context.authorizer.username"';
  const body = path === "/api/projects" ? `{${identity},"projects":[]}` : `{${identity},"email":"$context.authorizer.email","mfa":"$context.authorizer.mfa"}`;
  return new MockIntegration({
    passthroughBehavior: PassthroughBehavior.NEVER,
    requestTemplates: { "application/json": '{"statusCode": 200}' },
    integrationResponses: [
      {
        statusCode: "200",
        responseTemplates: { "application/json": body },
        responseParameters: { "method.response.header.Access-Control-Allow-Origin": `'${allowedOrigin}'` },
      },
    ],
  });
}

/** Gateway response header values are literals in single quotes. */
function quoted(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`]));
}
