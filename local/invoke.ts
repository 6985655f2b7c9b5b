/**
 * `npm run --silent invoke -- <strict|no-mfa> <event.json> [--token <jwt>]`: the offline twin of
 * `sam local invoke`. Runs one built handler on one event and prints one JSON document on stdout:
 * the policy (exit 0), `{"error":"<message>"}` when the handler threw (exit 1), or when the usage or the
 * configuration is wrong (exit 2). Configuration comes from the environment, then `.env.local`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { HANDLERS, buildBundles, bundlePath, type HandlerName } from "../scripts/build";
import { InitError, startLambdaProcess } from "./lambda-process";

const USAGE = "usage: npm run --silent invoke -- <strict|no-mfa> <event.json> [--token <jwt>]";

class UsageError extends Error {
  override readonly name = "UsageError";
}

function parseArgs(args: string[]): { name: HandlerName; eventFile: string; token?: string } {
  const [name, eventFile, flag, token, ...rest] = args;
  if (!(name in HANDLERS)) throw new UsageError(`${USAGE}\nunknown handler "${name ?? ""}"`);
  if (eventFile === undefined) throw new UsageError(`${USAGE}\nmissing event file`);
  if (flag !== undefined && (flag !== "--token" || token === undefined || rest.length > 0)) throw new UsageError(USAGE);
  return { name: name as HandlerName, eventFile, token };
}

function readEvent(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`cannot read event file ${file}: ${(error as Error).message}`);
  }
}

/** Puts `Bearer <jwt>` wherever the event carries an Authorization header, or adds one. */
export function withBearerToken(event: Record<string, unknown>, token: string): Record<string, unknown> {
  const value = `Bearer ${token}`;
  const headers = { ...((event.headers as Record<string, string> | null) ?? {}) };
  const multi = event.multiValueHeaders as Record<string, string[]> | null | undefined;
  const multiValueHeaders = multi ? { ...multi } : multi;
  let found = false;
  for (const map of [headers, multiValueHeaders ?? {}]) {
    for (const name of Object.keys(map)) {
      if (name.toLowerCase() !== "authorization") continue;
      found = true;
      map[name] = map === headers ? value : ([value] as never);
    }
  }
  if (!found) {
    headers.Authorization = value;
    if (multiValueHeaders) multiValueHeaders.Authorization = [value];
  }
  return { ...event, headers, multiValueHeaders };
}

/** The environment wins over `.env.local`, as with any dotenv file. */
function configuration(): Record<string, string | undefined> {
  const file = join(process.cwd(), ".env.local");
  return { ...(existsSync(file) ? parseEnv(readFileSync(file, "utf8")) : {}), ...process.env };
}

async function main(): Promise<number> {
  const { name, eventFile, token } = parseArgs(process.argv.slice(2));
  const event = readEvent(eventFile);
  if (!existsSync(bundlePath(name))) await buildBundles();
  const lambda = await startLambdaProcess(name, configuration(), { logsTo: "stderr" });
  try {
    const { result, error } = await lambda.invoke(token === undefined ? event : withBearerToken(event, token));
    console.log(JSON.stringify(error ? { error: error.message } : result, null, 2));
    return error ? 1 : 0;
  } finally {
    await lambda.stop();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      // A usage mistake or a Lambda init error (a configuration variable): exit 2, still one JSON document.
      const message = error instanceof Error ? error.message : String(error);
      console.log(JSON.stringify({ error: message }, null, 2));
      if (!(error instanceof InitError)) console.error(message);
      process.exit(2);
    },
  );
}
