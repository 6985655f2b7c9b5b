import { spawn } from "node:child_process";
import { ROOT } from "../../scripts/build";

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (from the repository root unless told) and collects its output. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The environment of this test process without the project's configuration variables. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) {
    if (/^(USER_POOL_|ENFORCE_MFA|MFA_|JWKS_|COGNITO_|AWS_ENDPOINT_URL|POWERTOOLS_)/.test(name)) delete env[name];
  }
  return { ...env, ...extra };
}
