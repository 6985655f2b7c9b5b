import { Logger } from "@aws-lambda-powertools/logger";
import { LOG_LEVEL_SEVERITY, type Config } from "./config";
import { METRIC_NAMESPACE, SERVICE_NAME } from "./telemetry-names";


/** The fields of one decision line: never the token or the event, only what was decided about whom. */
export type DecisionFields = Readonly<{
  decision: "allow" | "deny" | "unauthorized" | "error";
  reason?: string;
  latencyMs: number;
  coldStart: boolean;
  /** Strict: how long the MFA lookup took, when one ran. */
  mfaLookupMs?: number;
  [field: string]: string | number | boolean | undefined;
}>;

/** One structured JSON line per decision, which is also its metrics document (CloudWatch EMF). */
export interface DecisionLog {
  /** Allow, Deny or a 401: an answer, logged at INFO. */
  decided(fields: DecisionFields): void;
  /** A 500: logged at ERROR with the error and its cause chain. */
  failed(fields: DecisionFields, error: Error): void;
}

const DECISION_METRIC = { allow: "Allow", deny: "Deny", unauthorized: "Unauthorized", error: "Error" } as const;
const DECISION_INDEX = { allow: 0, deny: 1, unauthorized: 2, error: 3 } as const;

/** The EMF directive for one shape of decision: which metrics it carries, and whether `reason` is a dimension. */
function directive(decision: string, shape: number): string {
  const names = [decision, "Latency", ...(shape & 4 ? ["ColdStart"] : []), ...(shape & 8 ? ["MfaLookupLatency"] : []), ...(shape & 16 ? ["CognitoThrottle"] : [])];
  const dimensions = shape & 32 ? [["service", "handler"], ["service", "handler", "reason"]] : [["service", "handler"]];
  const metrics = names.map((Name) => ({ Name, Unit: Name.endsWith("Latency") ? "Milliseconds" : "Count" }));
  return JSON.stringify([{ Namespace: METRIC_NAMESPACE, Dimensions: dimensions, Metrics: metrics }]);
}

/**
 * Decisions are on the hot path of every request: their line is written directly, in the shape of
 * Powertools' (level, message, timestamp, service, then the fields), because Powertools' formatter costs
 * about 5 µs a line — more than a whole cache hit or refusing a malformed token (bench/README.md). The same
 * line carries the decision's metrics in CloudWatch's embedded metric format, so counting costs no second line.
 * Below INFO the log fields go and the metrics stay; SILENT writes nothing. Failures are rare and their log
 * goes through Powertools, whose error formatting keeps the cause chain.
 */
export function createDecisionLog(config: Pick<Config, "logLevel">, handler: "strict" | "no-mfa"): DecisionLog {
  const logger = new Logger({ serviceName: SERVICE_NAME, logLevel: config.logLevel });
  const decisionsLogged = LOG_LEVEL_SEVERITY[config.logLevel] <= LOG_LEVEL_SEVERITY.INFO;
  const metricsWritten = config.logLevel !== "SILENT";
  const directives: string[] = [];
  // Formatting a date is a good part of a line's cost; requests in the same millisecond share it.
  let lastMs = 0;
  let timestamp = "";

  /** The metric values, then the `_aws` directive declaring them (a few dozen combinations, each built once). */
  const metrics = (fields: DecisionFields, now: number): string => {
    const decision = DECISION_METRIC[fields.decision];
    let values = `,"${decision}":1,"Latency":${fields.latencyMs}`;
    let shape = DECISION_INDEX[fields.decision];
    if (fields.coldStart) (shape |= 4), (values += ',"ColdStart":1');
    if (fields.mfaLookupMs !== undefined) (shape |= 8), (values += `,"MfaLookupLatency":${fields.mfaLookupMs}`);
    if (fields.reason === "cognito_throttled") (shape |= 16), (values += ',"CognitoThrottle":1');
    if (fields.reason !== undefined) shape |= 32;
    return `${values},"_aws":{"Timestamp":${now},"CloudWatchMetrics":${(directives[shape] ??= directive(decision, shape))}}`;
  };

  const write = (fields: DecisionFields, logged: boolean) => {
    const now = Date.now();
    let line: string;
    if (logged) {
      if (now !== lastMs) [lastMs, timestamp] = [now, new Date(now).toISOString()];
      line = `{"level":"INFO","message":"decision","timestamp":"${timestamp}","service":"${SERVICE_NAME}","handler":"${handler}"`;
      // Keys are ours; string values (a detail may quote a claim) are escaped by JSON.stringify.
      for (const key in fields) {
        const value = fields[key];
        if (value !== undefined) line += `,"${key}":${typeof value === "string" ? JSON.stringify(value) : value}`;
      }
    } else {
      line = `{"service":"${SERVICE_NAME}","handler":"${handler}","decision":"${fields.decision}"`;
      if (fields.reason !== undefined) line += `,"reason":"${fields.reason}"`;
    }
    process.stdout.write(`${line}${metrics(fields, now)}}\n`);
  };

  return {
    decided(fields) {
      if (metricsWritten) write(fields, decisionsLogged);
    },
    failed(fields, error) {
      logger.error("decision", { ...fields, error });
      if (metricsWritten) write(fields, false);
    },
  };
}
