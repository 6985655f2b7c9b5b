import { Logger } from "@aws-lambda-powertools/logger";
import { LOG_LEVEL_SEVERITY, type Config } from "./config";

export const SERVICE_NAME = "cognito-mfa-authorizer";

/** The fields of one decision line: never the token or the event, only what was decided about whom. */
export type DecisionFields = Readonly<Record<string, string | number | boolean | undefined>>;

/** One structured JSON line per decision. Nothing may log a token, whole or in part. */
export interface DecisionLog {
  /** Allow, Deny or a 401: an answer, logged at INFO. */
  decided(fields: DecisionFields): void;
  /** A 500: logged at ERROR with the error and its cause chain. */
  failed(fields: DecisionFields, error: Error): void;
}

/**
 * Decisions are on the hot path of every request: their line is written directly, in the shape of
 * Powertools' (level, message, timestamp, service, then the fields), because Powertools' formatter costs
 * about 5 µs a line — more than a whole cache hit or refusing a malformed token (bench/README.md).
 * Failures are rare and go through Powertools, whose error formatting keeps the cause chain.
 */
export function createDecisionLog(config: Pick<Config, "logLevel">): DecisionLog {
  const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: config.logLevel });
  const decisionsLogged = LOG_LEVEL_SEVERITY[config.logLevel] <= LOG_LEVEL_SEVERITY.INFO;
  // Formatting a date is a good part of a line's cost; requests in the same millisecond share it.
  let lastMs = 0;
  let timestamp = "";
  return {
    decided(fields) {
      if (!decisionsLogged) return;
      const now = Date.now();
      if (now !== lastMs) [lastMs, timestamp] = [now, new Date(now).toISOString()];
      let line = `{"level":"INFO","message":"decision","timestamp":"${timestamp}","service":"${SERVICE_NAME}"`;
      // Keys are ours; string values (a detail may quote a claim) are escaped by JSON.stringify.
      for (const key in fields) {
        const value = fields[key];
        if (value !== undefined) line += `,"${key}":${typeof value === "string" ? JSON.stringify(value) : value}`;
      }
      process.stdout.write(`${line}}\n`);
    },
    failed(fields, error) {
      logger.error("decision", { ...fields, error });
    },
  };
}
