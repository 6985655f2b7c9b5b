/**
 * End to end: the built bundles, configured only through the contract's environment variables,
 * against the cognito-local emulator over HTTP (real RS256 tokens, a real JWKS, AdminGetUser).
 */
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  EMULATOR_KID,
  LOCAL_CREDENTIALS,
  createAppClient,
  emulatorPrivateKey,
  startCognitoLocal,
  type CognitoLocal,
} from "../../local/cognito-local";
import { startLambdaProcess, type LambdaProcess } from "../../local/lambda-process";
import { createUser, disableUser, enrolTotp, removeTotp, signIn } from "../../local/users";
import { bearer, restRequestEvent } from "../support/events";
import { accessClaims, signToken, type SigningKey } from "../support/tokens";

const PASSWORD = "Correct-Horse-42-Battery";

let local: CognitoLocal;
let dataDir: string;
let clientId: string;
let strictProcess: LambdaProcess;
let noMfaProcess: LambdaProcess;
/** The strict bundle with MFA_LOOKUP=token: GetUser with the caller's own token, no IAM permission needed. */
let tokenModeProcess: LambdaProcess;

/** Invokes a bundle with a REST REQUEST event carrying the token; a thrown error comes back as an Error with its message. */
async function authorize(lambda: LambdaProcess, token: string): Promise<APIGatewayAuthorizerResult> {
  const { result, error } = await lambda.invoke<APIGatewayAuthorizerResult>(restRequestEvent({ authorization: bearer(token) }));
  if (error) throw new Error(error.message);
  return result;
}
const strict = (token: string) => authorize(strictProcess, token);
const strictByToken = (token: string) => authorize(tokenModeProcess, token);
const noMfa = (token: string) => authorize(noMfaProcess, token);
const effect = (result: APIGatewayAuthorizerResult) => result.policyDocument.Statement[0].Effect;

/** A new user of the pool, signed in once (no TOTP yet). */
async function newUser() {
  const email = `${randomUUID()}@example.com`;
  const username = await createUser(local, email, PASSWORD);
  const tokens = await signIn(local.client, clientId, email, PASSWORD);
  return { email, username, accessToken: tokens.AccessToken!, idToken: tokens.IdToken! };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "cognito-local-"));
  local = await startCognitoLocal({ dataDir });
  clientId = await createAppClient(local);
  // Only the contract's variables, and the dummy credentials the SDK wants for the emulator.
  const env = {
    USER_POOL_ID: local.userPoolId,
    USER_POOL_CLIENT_IDS: clientId,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: local.url,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: "SILENT",
  };
  [strictProcess, noMfaProcess, tokenModeProcess] = await Promise.all([
    startLambdaProcess("strict", env),
    startLambdaProcess("no-mfa", env),
    startLambdaProcess("strict", { ...env, MFA_LOOKUP: "token" }),
  ]);
});

afterAll(async () => {
  await Promise.all([strictProcess?.stop(), noMfaProcess?.stop(), tokenModeProcess?.stop(), local?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a user's way to MFA, request by request", () => {
  let user: Awaited<ReturnType<typeof newUser>>;
  let totpSecret: string;
  let enrolledToken: string;

  beforeAll(async () => {
    user = await newUser();
  });

  it("is denied by strict with 'MFA enrolment required' before enrolling", async () => {
    const result = await strict(user.accessToken);

    expect(effect(result)).toBe("Deny");
    expect(result.principalId).toBe(user.username);
    expect(result.context).toMatchObject({ reason: "mfa_enrolment_required", message: "MFA enrolment required", mfa: "false" });
  });

  it("reaches the no-MFA bootstrap routes meanwhile", async () => {
    const result = await noMfa(user.accessToken);

    expect(effect(result)).toBe("Allow");
    expect(result.context).toEqual({ sub: user.username, username: user.username, clientId, mfa: "false" });
  });

  it("is allowed by strict after enrolling TOTP and signing in with a code", async () => {
    totpSecret = await enrolTotp(local.client, user.accessToken);
    enrolledToken = (await signIn(local.client, clientId, user.email, PASSWORD, totpSecret)).AccessToken!;

    const result = await strict(enrolledToken);

    expect(effect(result)).toBe("Allow");
    expect(result.context).toEqual({ sub: user.username, username: user.username, clientId, mfa: "true", email: user.email });
  });

  it("passes strict with a token issued before enrolment too: strict checks enrolment now, not this session", async () => {
    expect(effect(await strict(user.accessToken))).toBe("Allow");
  });

  it("is denied on the very next request after TOTP is removed", async () => {
    await removeTotp(local.client, enrolledToken);

    const result = await strict(enrolledToken);

    expect(effect(result)).toBe("Deny");
    expect(result.context).toMatchObject({ message: "MFA enrolment required" });
  });

  it("is refused by strict once disabled", async () => {
    await disableUser(local, user.username);

    await expect(strict(enrolledToken)).rejects.toThrow(new Error("Unauthorized"));
  });
});

describe("the same way with MFA_LOOKUP=token (GetUser with the caller's token)", () => {
  it("denies before enrolment, allows after, and denies again once TOTP is removed", async () => {
    const user = await newUser();
    expect(effect(await strictByToken(user.accessToken))).toBe("Deny");

    const secret = await enrolTotp(local.client, user.accessToken);
    const enrolled = (await signIn(local.client, clientId, user.email, PASSWORD, secret)).AccessToken!;
    const allowed = await strictByToken(enrolled);
    expect(effect(allowed)).toBe("Allow");
    expect(allowed.context).toMatchObject({ mfa: "true", email: user.email });

    await removeTotp(local.client, enrolled);
    expect(effect(await strictByToken(enrolled))).toBe("Deny");
  });

  it("refuses an ID token", async () => {
    const { idToken } = await newUser();

    await expect(strictByToken(idToken)).rejects.toThrow(new Error("Unauthorized"));
  });
});

describe("tokens the emulator issued but the authorizers refuse", () => {
  it("refuses an ID token in both handlers", async () => {
    const { idToken } = await newUser();

    await expect(strict(idToken)).rejects.toThrow(new Error("Unauthorized"));
    await expect(noMfa(idToken)).rejects.toThrow(new Error("Unauthorized"));
  });

  it("refuses a token of an app client that is not listed", async () => {
    const otherClient = await createAppClient(local, "other-app");
    const email = `${randomUUID()}@example.com`;
    await createUser(local, email, PASSWORD);
    const { AccessToken } = await signIn(local.client, otherClient, email, PASSWORD);

    await expect(noMfa(AccessToken!)).rejects.toThrow(new Error("Unauthorized"));
  });

  it("refuses, in strict, a well-signed token whose user the pool does not know", async () => {
    // Exactly what the emulator would sign for a deleted user.
    const key = { kid: EMULATOR_KID, privateKey: emulatorPrivateKey() } as SigningKey;
    const sub = randomUUID();
    const token = signToken(
      accessClaims({ iss: `https://cognito-idp.${local.region}.amazonaws.com/${local.userPoolId}`, client_id: clientId, sub, username: sub }),
      key,
    );

    expect(effect(await noMfa(token))).toBe("Allow");
    await expect(strict(token)).rejects.toThrow(new Error("Unauthorized"));
  });
});

describe("when the emulator goes away", () => {
  it("fails closed with a 500, never an Allow, within the timeouts", async () => {
    const user = await newUser();
    await local.stop();
    const started = Date.now();

    const error = await strict(user.accessToken).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).not.toBe("Unauthorized");
    expect(Date.now() - started).toBeLessThan(3000 + 1000);
  });
});
