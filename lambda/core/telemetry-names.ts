/** The names operators query, shared by the functions that emit them and the CDK alarms that watch them. */
export const SERVICE_NAME = "cognito-mfa-authorizer";
/** The CloudWatch namespace of the decision metrics (README, "Operations"). */
export const METRIC_NAMESPACE = "CognitoMfaAuthorizer";
