/**
 * Runs a built authorizer bundle in its own Node.js process, as Lambda runs it: only the environment it is
 * given, configuration read once at load, a warm module serving many invocations.
 */
import { fork } from "node:child_process";
import { join } from "node:path";
import { bundlePath, type HandlerName } from "../scripts/build";
import { stopChild } from "./child-process";

/** What the runtime reports: the handler's answer, or the error it threw (name and message only). */
export type Invocation<T = unknown> = { result: T; error?: undefined } | { result?: undefined; error: { name: string; message: string } };

export interface LambdaProcess {
  invoke<T = unknown>(event: unknown): Promise<Invocation<T>>;
  stop(): Promise<void>;
}

/** The load failed (a Lambda init error), typically a configuration variable; `message` names it. */
export class InitError extends Error {
  override readonly name = "InitError";
}

const RUNTIME = join(__dirname, "lambda-runtime.ts");

export interface LambdaProcessOptions {
  /** Where the function's own log lines (its stdout) go: ours, or our stderr to keep our stdout clean. */
  readonly logsTo?: "stdout" | "stderr";
  /** Another copy of the bundle to load, e.g. the asset in cdk.out. @default - dist/<name>/index.js */
  readonly bundleFile?: string;
}

export function startLambdaProcess(
  name: HandlerName,
  env: Record<string, string | undefined>,
  options: LambdaProcessOptions = {},
): Promise<LambdaProcess> {
  const child = fork(RUNTIME, [options.bundleFile ?? bundlePath(name)], {
    // Only what a Lambda function would have, plus what node needs to start.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
    execArgv: ["--require", require.resolve("tsx/cjs")],
    stdio: ["ignore", options.logsTo === "stderr" ? 2 : "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, (invocation: Invocation) => void>();
  let nextId = 0;

  return new Promise((resolve, reject) => {
    child.on("message", (message: { ready?: true; initError?: { message: string }; id?: number } & Invocation) => {
      if (message.ready) resolve({ invoke, stop: () => stopChild(child) });
      else if (message.initError) reject(new InitError(message.initError.message));
      else if (message.id !== undefined) {
        pending.get(message.id)?.(message.error ? { error: message.error } : { result: message.result });
        pending.delete(message.id);
      }
    });
    child.once("exit", (code) => {
      reject(new Error(`the ${name} bundle's process exited with code ${code}`));
      for (const settle of pending.values()) settle({ error: { name: "Error", message: `process exited with code ${code}` } });
    });
  });

  function invoke<T>(event: unknown): Promise<Invocation<T>> {
    const id = nextId++;
    return new Promise((settle) => {
      pending.set(id, settle as (invocation: Invocation) => void);
      child.send({ id, event });
    });
  }
}

