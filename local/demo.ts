/**
 * The demo pool `npm start` seeds, and the file that lets `npm run token` sign its users in later:
 * one user with TOTP enrolled, one without.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { ROOT } from "../scripts/build";
import { LOCAL_CREDENTIALS, createAppClient, type CognitoLocal } from "./cognito-local";
import { createUser, enrolTotp, signIn } from "./users";

export interface Demo {
  readonly apiUrl: string;
  readonly cognitoUrl: string;
  readonly region: string;
  readonly userPoolId: string;
  readonly clientId: string;
  readonly password: string;
  /** email → the TOTP secret, when the user has enrolled. */
  readonly users: Readonly<Record<string, { readonly totpSecret?: string }>>;
}

export const ENROLLED_USER = "enrolled@example.com";
export const NEW_USER = "new@example.com";
const PASSWORD = "Local-Demo-Passw0rd!";

/** Where `npm start` keeps its state (git-ignored); `LOCAL_DIR` moves it. */
export const localDir = (): string => process.env.LOCAL_DIR ?? join(ROOT, ".local");
const demoFile = () => join(localDir(), "demo.json");

export async function seedDemo(local: CognitoLocal): Promise<Omit<Demo, "apiUrl">> {
  const clientId = await createAppClient(local, "demo-app");
  await createUser(local, NEW_USER, PASSWORD);
  await createUser(local, ENROLLED_USER, PASSWORD);
  const { AccessToken } = await signIn(local.client, clientId, ENROLLED_USER, PASSWORD);
  const totpSecret = await enrolTotp(local.client, AccessToken!);
  return {
    cognitoUrl: local.url,
    region: local.region,
    userPoolId: local.userPoolId,
    clientId,
    password: PASSWORD,
    users: { [ENROLLED_USER]: { totpSecret }, [NEW_USER]: {} },
  };
}

export function saveDemo(demo: Demo): void {
  writeFileSync(demoFile(), `${JSON.stringify(demo, null, 2)}\n`);
}

export function loadDemo(): Demo {
  if (!existsSync(demoFile())) throw new Error(`${demoFile()} not found: run \`npm start\` first (and keep it running)`);
  return JSON.parse(readFileSync(demoFile(), "utf8")) as Demo;
}

/** Signs a demo user in, answering the TOTP challenge for the enrolled one; returns the access token. */
export async function demoAccessToken(demo: Demo, email: string): Promise<string> {
  const user = demo.users[email];
  if (user === undefined) throw new Error(`unknown demo user ${email}; the users are ${Object.keys(demo.users).join(", ")}`);
  const client = new CognitoIdentityProviderClient({ region: demo.region, endpoint: demo.cognitoUrl, credentials: LOCAL_CREDENTIALS });
  const tokens = await signIn(client, demo.clientId, email, demo.password, user.totpSecret);
  return tokens.AccessToken!;
}
