/**
 * The embedded Cognito emulator (the cognito-local npm package) as a child process: started on a free
 * loopback port with an AWS-shaped pool id, so the authorizers run against it exactly as against Cognito.
 * Used by the end-to-end tests, `npm start` and the benchmarks.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createPrivateKey, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { stopChild } from "./child-process";

export interface CognitoLocal {
  /** e.g. `http://127.0.0.1:40123`: the value for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  readonly url: string;
  readonly region: string;
  readonly userPoolId: string;
  /** A client for the emulator (dummy credentials; cognito-local does not check them). */
  readonly client: CognitoIdentityProviderClient;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Holds `.cognito/` (the emulator's config and database); created when missing, reused when present. */
  readonly dataDir: string;
  readonly region?: string;
  /** The part after `<region>_`. */
  readonly poolSuffix?: string;
  /** 0 lets the OS pick a free port. */
  readonly port?: number;
}

/** Dummy credentials for the emulator; the SDK needs some, cognito-local ignores them. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" } as const;

const READY = /Cognito Local running on (https?:\/\/[^\s]+)/;
const START_SCRIPT = require.resolve("cognito-local/lib/bin/start.js");
const START_TIMEOUT_MS = 15_000;

export async function startCognitoLocal(options: StartOptions): Promise<CognitoLocal> {
  const region = options.region ?? "eu-west-2";
  const userPoolId = `${region}_${options.poolSuffix ?? "LocalPool1"}`;
  const dbDir = join(options.dataDir, ".cognito", "db");
  mkdirSync(dbDir, { recursive: true });
  writeFileSync(
    join(options.dataDir, ".cognito", "config.json"),
    JSON.stringify({
      // With this issuer domain the tokens' iss is exactly the real Cognito issuer for the pool.
      TokenConfig: { IssuerDomain: `https://cognito-idp.${region}.amazonaws.com` },
      ServerConfig: { hostname: "127.0.0.1", port: options.port ?? 0 },
    }),
  );
  // CreateUserPool would name the pool local_…, which no verifier accepts; a seeded file keeps an AWS-shaped id.
  const poolFile = join(dbDir, `${userPoolId}.json`);
  if (!existsSync(poolFile)) writeFileSync(poolFile, "{}");

  const child = spawn(process.execPath, [START_SCRIPT], {
    cwd: options.dataDir,
    env: emulatorEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await waitUntilReady(child);
  const client = new CognitoIdentityProviderClient({ region, endpoint: url, credentials: LOCAL_CREDENTIALS });
  // The seeded pool starts with MFA off, in which case enrolled users would get tokens without a TOTP challenge.
  await client.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: userPoolId,
      MfaConfiguration: "OPTIONAL",
      SoftwareTokenMfaConfiguration: { Enabled: true },
    }),
  );
  return {
    url,
    region,
    userPoolId,
    client,
    stop: () => stopChild(child),
  };
}

/** The `kid` of cognito-local's one signing key (the same for every pool). */
export const EMULATOR_KID = "CognitoLocal";

/**
 * The emulator's private signing key, which ships in the package: what it would sign for any claims, so tests
 * and benchmarks can issue tokens the pool never issued (a deleted user, thousands of distinct tokens).
 */
export function emulatorPrivateKey(): KeyObject {
  const { jwk } = require("cognito-local/lib/keys/cognitoLocal.private.json") as { jwk: object };
  return createPrivateKey({ key: jwk as never, format: "jwk" });
}

/** An app client that may sign in with a password (the stack's default client uses SRP, which cognito-local lacks). */
export async function createAppClient(local: CognitoLocal, name = "local-app"): Promise<string> {
  const { UserPoolClient } = await local.client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: local.userPoolId,
      ClientName: name,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  return UserPoolClient!.ClientId!;
}

function emulatorEnv(): NodeJS.ProcessEnv {
  // cognito-local reads DEBUG, PORT and HOST itself; the config file decides instead.
  const { DEBUG: _debug, PORT: _port, HOST: _host, ...env } = process.env;
  return { ...env, NODE_NO_WARNINGS: "1" };
}

function waitUntilReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`cognito-local did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGTERM");
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      // The emulator colours its log lines.
      const ready = READY.exec(output.replace(/\x1b\[[0-9;]*m/g, ""));
      if (ready === null) return;
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stdout?.resume();
      child.stderr?.resume();
      resolve(ready[1]);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("exit", (code) => fail(new Error(`cognito-local exited with code ${code}:\n${output}`)));
  });
}

