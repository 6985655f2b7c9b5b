/**
 * `npm run invoke`, as a user runs it, on the event files in events/ (which README there documents),
 * and with `--token` on real tokens from cognito-local.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { ROOT } from "../../scripts/build";
import { createAppClient, startCognitoLocal, LOCAL_CREDENTIALS, type CognitoLocal } from "../../local/cognito-local";
import { createUser, enrolTotp, signIn } from "../../local/users";
import { cleanEnv, run } from "../support/run";

const CONFIG = { USER_POOL_ID: "eu-west-2_AbCdEf123", USER_POOL_CLIENT_IDS: "democlient", POWERTOOLS_LOG_LEVEL: "SILENT" };
const invoke = (args: string[], env: Record<string, string> = CONFIG) =>
  run("npm", ["run", "--silent", "invoke", "--", ...args], { env: cleanEnv(env) });

describe("npm run invoke on the event files", () => {
  it.each<[string, string, number, string]>([
    ["strict", "missing-authorization.json", 1, "Unauthorized"],
    ["no-mfa", "basic-scheme.json", 1, "Unauthorized"],
    ["strict", "malformed-token.json", 1, "Unauthorized"],
    ["strict", "two-authorization-headers.json", 1, "Unauthorized"],
    ["no-mfa", "alg-none.json", 1, "Unauthorized"],
    ["strict", "request-bearer-token.json", 1, "Unauthorized"],
    ["strict", "http-api-v2.json", 1, "received an HTTP API payload version 2.0 event; this function takes REST API REQUEST authorizer events"],
    ["no-mfa", "token-authorizer.json", 1, 'received an authorizer event of type "TOKEN"'],
  ])("%s on %s → exit %i, %j", async (handler, file, code, message) => {
    const { code: exit, stdout } = await invoke([handler, `events/${file}`]);

    expect(exit).toBe(code);
    expect(JSON.parse(stdout).error).toContain(message);
  });

  it("exits 2 with a message naming the variable when the configuration is missing", async () => {
    const { code, stdout } = await invoke(["strict", "events/missing-authorization.json"], {});

    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: "USER_POOL_ID is required" });
  });

  it.each([[[]], [["lenient", "events/alg-none.json"]], [["strict"]], [["strict", "events/nope.json"]], [["strict", "events/alg-none.json", "--tokn", "x"]]])(
    "exits 2 on the usage mistake %j",
    async (args) => {
      const { code, stdout } = await invoke(args);

      expect(code).toBe(2);
      expect(JSON.parse(stdout).error).toBeDefined();
    },
  );

  it("reads .env.local from the working directory, the environment taking precedence", async () => {
    const dir = mkdtempSync(join(tmpdir(), "invoke-"));
    writeFileSync(join(dir, ".env.local"), "USER_POOL_ID=eu-west-2_FromFile1\nUSER_POOL_CLIENT_IDS=c\nENFORCE_MFA=maybe\n");
    try {
      const script = join(ROOT, "local", "invoke.ts");
      const tsx = join(ROOT, "node_modules", ".bin", "tsx");
      const fromFile = await run(tsx, [script, "strict", join(ROOT, "events/alg-none.json")], { cwd: dir, env: cleanEnv() });
      const overridden = await run(tsx, [script, "strict", join(ROOT, "events/alg-none.json")], {
        cwd: dir,
        env: cleanEnv({ ENFORCE_MFA: "true", POWERTOOLS_LOG_LEVEL: "SILENT" }),
      });

      expect([fromFile.code, JSON.parse(fromFile.stdout).error]).toEqual([2, 'ENFORCE_MFA must be one of true, false, 1, 0, got "maybe"']);
      expect([overridden.code, JSON.parse(overridden.stdout)]).toEqual([1, { error: "Unauthorized" }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("npm run invoke --token against cognito-local", () => {
  let local: CognitoLocal;
  let dataDir: string;
  let env: Record<string, string>;
  let newUserToken: string;
  let enrolledToken: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "cognito-local-"));
    local = await startCognitoLocal({ dataDir });
    const clientId = await createAppClient(local);
    const password = "Correct-Horse-42-Battery";
    const [fresh, enrolled] = [`${randomUUID()}@example.com`, `${randomUUID()}@example.com`];
    await createUser(local, fresh, password);
    await createUser(local, enrolled, password);
    newUserToken = (await signIn(local.client, clientId, fresh, password)).AccessToken!;
    const secret = await enrolTotp(local.client, (await signIn(local.client, clientId, enrolled, password)).AccessToken!);
    enrolledToken = (await signIn(local.client, clientId, enrolled, password, secret)).AccessToken!;
    env = {
      USER_POOL_ID: local.userPoolId,
      USER_POOL_CLIENT_IDS: clientId,
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: local.url,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    };
  });

  afterAll(async () => {
    await local.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each<[string, () => string, string, string]>([
    ["strict", () => enrolledToken, "Allow", "true"],
    ["strict", () => newUserToken, "Deny", "false"],
    ["no-mfa", () => newUserToken, "Allow", "false"],
  ])("%s prints the policy and exits 0", async (handler, token, effect, mfa) => {
    const { code, stdout, stderr } = await invoke([handler, "events/request-bearer-token.json", "--token", token()], env);

    expect(code).toBe(0);
    const policy = JSON.parse(stdout);
    expect(policy.policyDocument.Statement[0]).toEqual({
      Action: "execute-api:Invoke",
      Effect: effect,
      Resource: "arn:aws:execute-api:eu-west-2:123456789012:abcdef123/prod/*/*",
    });
    expect(policy.context.mfa).toBe(mfa);
    // The function's decision log goes to stderr, so stdout stays one JSON document; the token is in neither.
    expect(stderr).toContain('"decision"');
    expect(stdout + stderr).not.toContain(token().split(".")[2]);
  });
});
