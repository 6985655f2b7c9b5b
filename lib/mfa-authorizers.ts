import { Duration, Token } from "aws-cdk-lib";
import { IdentitySource, RequestAuthorizer } from "aws-cdk-lib/aws-apigateway";
import type { IUserPool, IUserPoolClient } from "aws-cdk-lib/aws-cognito";
import type { Architecture, IFunction, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import type { RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { METRIC_NAMESPACE, SERVICE_NAME } from "../lambda/core/telemetry-names";
import type { LogLevel, MfaLookupMode } from "../lambda/core/config";
import { DEFAULTS, LIMITS } from "../lambda/core/defaults";
import { bundledFunction } from "./bundled-function";


export interface MfaAuthorizersProps {
  /** The pool whose access tokens are accepted. Its id's region is the issuer's. */
  readonly userPool: IUserPool;
  /** The app clients whose access tokens are accepted (at least one). */
  readonly userPoolClients: readonly IUserPoolClient[];

  /**
   * How long a positive MFA lookup may be reused inside a warm function (`MFA_CACHE_TTL_SECONDS`); a negative
   * one never is. Above 0, an admin "reset MFA" takes up to this long to bite.
   * @default - 0: every strict request asks Cognito
   */
  readonly mfaCacheTtl?: Duration;
  /**
   * How the strict authorizer reads MFA status (`MFA_LOOKUP`): `admin` calls AdminGetUser (granted here on this
   * pool only); `token` calls GetUser with the caller's token (no IAM permission; also refuses tokens revoked
   * by a global sign-out; needs the `aws.cognito.signin.user.admin` scope).
   * @default "admin"
   */
  readonly mfaLookup?: MfaLookupMode;
  /**
   * Deny callers without TOTP (`ENFORCE_MFA`). With `false` the strict authorizer still looks users up.
   * @default true
   */
  readonly enforceMfa?: boolean;
  /** Upper bound on one JWKS fetch. @default - 3 seconds */
  readonly jwksTimeout?: Duration;
  /** Upper bound on one MFA lookup, retries included. @default - 3 seconds */
  readonly cognitoTimeout?: Duration;

  /**
   * API Gateway's result cache for the strict authorizer. It caches Deny answers too, so a TTL delays both an
   * admin reset and a fresh enrolment by up to this long; above 0 it needs `acknowledgeStrictCacheStaleness`.
   * @default Duration.seconds(0)
   */
  readonly strictResultsCacheTtl?: Duration;
  /** Must be true to give the strict authorizer a result cache TTL above 0. @default false */
  readonly acknowledgeStrictCacheStaleness?: boolean;
  /** API Gateway's result cache for the no-MFA authorizer. @default Duration.seconds(0) */
  readonly noMfaResultsCacheTtl?: Duration;

  /** @default 256 */
  readonly memorySize?: number;
  /** @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default Runtime.NODEJS_22_X */
  readonly runtime?: Runtime;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** `POWERTOOLS_LOG_LEVEL`. @default - INFO: one line per decision */
  readonly logLevel?: LogLevel;
  /** @default Tracing.DISABLED */
  readonly tracing?: Tracing;
  /**
   * CloudWatch alarms on the authorizers' own metrics: any 500 (JWKS or Cognito failure, wrong event) of either
   * function, and any Cognito throttling of strict, within 5 minutes. Expected 401s do not count (Lambda's
   * `Errors` metric would count them). Add actions through `alarms`.
   * @default false
   */
  readonly alarms?: boolean;
}

/**
 * The strict and no-MFA authorizer functions and their REST API `RequestAuthorizer`s, ready to attach to any
 * method: `{ authorizer: authorizers.strict }`. One instance serves one RestApi (an authorizer belongs to one API).
 */
export class MfaAuthorizers extends Construct {
  /** Verifies the access token and requires TOTP enrolment. */
  readonly strict: RequestAuthorizer;
  /** Verifies the access token only: for MFA bootstrap routes. */
  readonly noMfa: RequestAuthorizer;
  readonly strictFunction: IFunction;
  readonly noMfaFunction: IFunction;
  /** The alarms, when `alarms` is on: attach your SNS topic or other actions to them. */
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: MfaAuthorizersProps) {
    super(scope, id);
    validate(props);
    const jwksTimeoutMs = props.jwksTimeout?.toMilliseconds() ?? DEFAULTS.jwksTimeoutMs;
    const cognitoTimeoutMs = props.cognitoTimeout?.toMilliseconds() ?? DEFAULTS.cognitoTimeoutMs;
    // Only what is set is passed on: every default lives in the handler's configuration, once.
    const common = definedOnly({
      USER_POOL_ID: props.userPool.userPoolId,
      USER_POOL_CLIENT_IDS: props.userPoolClients.map((client) => client.userPoolClientId).join(","),
      JWKS_TIMEOUT_MS: props.jwksTimeout && String(jwksTimeoutMs),
      POWERTOOLS_LOG_LEVEL: props.logLevel,
    });

    const strictFunction = bundledFunction(this, "Strict", {
      ...functionSettings(props, "strict"),
      environment: definedOnly({
        ...common,
        ENFORCE_MFA: props.enforceMfa === undefined ? undefined : String(props.enforceMfa),
        MFA_LOOKUP: props.mfaLookup,
        MFA_CACHE_TTL_SECONDS: props.mfaCacheTtl && String(props.mfaCacheTtl.toSeconds()),
        COGNITO_TIMEOUT_MS: props.cognitoTimeout && String(cognitoTimeoutMs),
      }),
      // Long enough that a JWKS and a Cognito failure are both logged before Lambda stops the function.
      timeout: wholeSeconds(jwksTimeoutMs + cognitoTimeoutMs + 1000),
    });
    if ((props.mfaLookup ?? DEFAULTS.mfaLookup) === "admin") {
      props.userPool.grant(strictFunction, "cognito-idp:AdminGetUser");
    }
    const noMfaFunction = bundledFunction(this, "NoMfa", {
      ...functionSettings(props, "no-mfa"),
      environment: common,
      timeout: wholeSeconds(jwksTimeoutMs + 1000),
    });

    this.strictFunction = strictFunction;
    this.noMfaFunction = noMfaFunction;
    this.strict = requestAuthorizer(this, "StrictAuthorizer", strictFunction, props.strictResultsCacheTtl);
    this.noMfa = requestAuthorizer(this, "NoMfaAuthorizer", noMfaFunction, props.noMfaResultsCacheTtl);
    this.alarms = props.alarms
      ? [
          alarmOn(this, "StrictErrors", "Error", "strict", "The strict authorizer answered 500 (JWKS or Cognito failure, or a wrong event)"),
          alarmOn(this, "NoMfaErrors", "Error", "no-mfa", "The no-MFA authorizer answered 500 (JWKS failure, or a wrong event)"),
          alarmOn(this, "CognitoThrottles", "CognitoThrottle", "strict", "Cognito throttled strict MFA lookups: requests failed closed (see README, Capacity)"),
        ]
      : [];
  }
}

/** Sum of one of the authorizer's EMF metrics over 5 minutes, alarming from the first occurrence. */
function alarmOn(scope: Construct, id: string, metricName: string, handler: "strict" | "no-mfa", description: string): Alarm {
  const metric = new Metric({
    namespace: METRIC_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME, handler },
    statistic: Stats.SUM,
    period: Duration.minutes(5),
  });
  return metric.createAlarm(scope, id, {
    alarmDescription: description,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}

function requestAuthorizer(scope: Construct, id: string, handler: IFunction, ttl = Duration.seconds(0)): RequestAuthorizer {
  return new RequestAuthorizer(scope, id, {
    handler,
    resultsCacheTtl: ttl,
    // With a cache the answer is keyed on the Authorization header (API Gateway then requires it); without one,
    // every request reaches the function, which answers a missing header itself.
    identitySources: ttl.toSeconds() > 0 ? [IdentitySource.header("Authorization")] : [],
  });
}

function functionSettings(props: MfaAuthorizersProps, bundle: "strict" | "no-mfa") {
  const { memorySize, architecture, runtime, logRetention, tracing } = props;
  return { bundle, description: `cognito-mfa-authorizer: ${bundle} REQUEST authorizer`, memorySize, architecture, runtime, logRetention, tracing };
}

function validate(props: MfaAuthorizersProps): void {
  if (props.userPoolClients.length === 0) throw new Error("MfaAuthorizers: userPoolClients must name at least one app client");
  const strictTtl = props.strictResultsCacheTtl?.toSeconds() ?? 0;
  if (strictTtl > 0 && props.acknowledgeStrictCacheStaleness !== true) {
    throw new Error(
      "MfaAuthorizers: strictResultsCacheTtl above 0 caches Deny and Allow answers, delaying an admin MFA reset and a fresh enrolment; " +
        "set acknowledgeStrictCacheStaleness: true to accept that",
    );
  }
  const ttl = props.mfaCacheTtl?.toSeconds();
  if (ttl !== undefined && (ttl < LIMITS.mfaCacheTtlSeconds.min || ttl > LIMITS.mfaCacheTtlSeconds.max)) {
    throw new Error(`MfaAuthorizers: mfaCacheTtl must be from 0 to ${LIMITS.mfaCacheTtlSeconds.max} seconds`);
  }
  for (const [name, timeout] of [["jwksTimeout", props.jwksTimeout], ["cognitoTimeout", props.cognitoTimeout]] as const) {
    const ms = timeout?.toMilliseconds();
    if (ms !== undefined && (ms < LIMITS.timeoutMs.min || ms > LIMITS.timeoutMs.max)) {
      throw new Error(`MfaAuthorizers: ${name} must be from ${LIMITS.timeoutMs.min} to ${LIMITS.timeoutMs.max} ms`);
    }
  }
  if (props.memorySize !== undefined && !Token.isUnresolved(props.memorySize) && (props.memorySize < 128 || props.memorySize > 10_240)) {
    throw new Error("MfaAuthorizers: memorySize must be from 128 to 10240 MB");
  }
}

/** Lambda timeouts are whole seconds: round up, never below the bound. */
const wholeSeconds = (ms: number): Duration => Duration.seconds(Math.ceil(ms / 1000));

function definedOnly(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
