import { Duration, Validations } from "aws-cdk-lib";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Where `npm run build` writes the bundles: next to `lib/` in the repository and in the published package. */
export const BUNDLE_DIR = join(__dirname, "..", "dist");

/** Why the functions stay on Node.js 22 when cdk-nag sees a newer runtime. */
const NODE_22_REASON = "Node.js 22 is the chosen runtime: the bundles are built and tested for it (esbuild target node22)";

export interface BundledFunctionProps {
  /** The folder under `dist/`, e.g. `strict` or `examples/mfa-status`. */
  readonly bundle: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly timeout: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Architecture.ARM_64 */
  readonly architecture?: Architecture;
  /** @default Runtime.NODEJS_22_X */
  readonly runtime?: Runtime;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default Tracing.DISABLED */
  readonly tracing?: Tracing;
}

/**
 * A function running one of the `npm run build` bundles, with its own role that may write to its own log group
 * and nothing else (no AWSLambdaBasicExecutionRole). The log group is kept when the stack goes: an audit trail.
 */
export function bundledFunction(scope: Construct, id: string, props: BundledFunctionProps): LambdaFunction {
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention ?? RetentionDays.ONE_MONTH });
  const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
  logGroup.grantWrite(role);
  const fn = new LambdaFunction(scope, `${id}Function`, {
    description: props.description,
    // Source maps stay out of the deployment: mapping every thrown 401's stack would slow the function.
    code: Code.fromAsset(bundleDir(props.bundle), { exclude: ["*.map"] }),
    handler: "index.handler",
    runtime: props.runtime ?? Runtime.NODEJS_22_X,
    architecture: props.architecture ?? Architecture.ARM_64,
    memorySize: props.memorySize ?? 256,
    tracing: props.tracing ?? Tracing.DISABLED,
    timeout: props.timeout,
    environment: props.environment,
    role,
    logGroup,
  });
  Validations.of(fn).acknowledge({ id: "AwsSolutions-L1", reason: NODE_22_REASON });
  return fn;
}

/** The bundle directory `npm run build` wrote; its absence is a clear synth-time error, not a broken deploy. */
function bundleDir(name: string): string {
  const dir = join(BUNDLE_DIR, name);
  if (!existsSync(join(dir, "index.js"))) {
    throw new Error(`${join(dir, "index.js")} is missing; run \`npm run build\` first`);
  }
  return dir;
}
