import { Logger } from "@aws-lambda-powertools/logger";
import type { Config } from "./config";

export const SERVICE_NAME = "cognito-mfa-authorizer";

/** Structured JSON logs at the configured level. Nothing may log a token, whole or in part. */
export function createLogger(config: Pick<Config, "logLevel">): Logger {
  return new Logger({ serviceName: SERVICE_NAME, logLevel: config.logLevel });
}
