/**
 * Faults of the JWKS and of Cognito, injected over HTTP by a local stand-in (cognito-local cannot throttle,
 * fail or hang): every one fails closed (a 500, never an Allow) within the configured timeouts, is logged
 * with its cause, and the authorizer recovers once the fault ends.
 */
import { randomUUID } from "node:crypto";
import { fromRestRequestEvent } from "../../lambda/adapters/rest-request";
import { createAuthorizer, type Authorizer } from "../../lambda/core/authorizer";
import { createDecisionLog } from "../../lambda/core/decision-log";
import { DependencyError } from "../../lambda/core/errors";
import { createMfaLookup } from "../../lambda/core/mfa-lookup";
import { createTokenVerifier } from "../../lambda/core/token-verifier";
import { bearer, restRequestEvent } from "../support/events";
import { startJwksServer, type CognitoBehaviour, type JwksServer } from "../support/jwks-server";
import { captureLogs, tokenPieces, type LogCapture } from "../support/log-capture";
import { accessClaims, createSigningKey, signToken, testConfig } from "../support/tokens";

const key = createSigningKey();
const TIMEOUT_MS = 400;
let server: JwksServer;
const savedEnv = { ...process.env };
/** Every line the authorizers log in this file, and every token they saw: no line may carry any piece of one. */
let logs: LogCapture;
const issued: string[] = [];

/** What Cognito knows: each user's sub, enrolment and state, by username. */
const users = new Map<string, { enrolled: boolean; enabled?: boolean }>();
const cognitoUsers: CognitoBehaviour = {
  kind: "user",
  user: (username) => {
    const user = users.get(username ?? "");
    return {
      Username: username,
      Enabled: user?.enabled ?? true,
      UserAttributes: [{ Name: "sub", Value: username }],
      UserMFASettingList: user?.enrolled ? ["SOFTWARE_TOKEN_MFA"] : [],
    };
  },
};

function strictAuthorizer(env: Record<string, string> = {}): Authorizer {
  const config = testConfig({
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: server.url,
    JWKS_TIMEOUT_MS: String(TIMEOUT_MS),
    COGNITO_TIMEOUT_MS: String(TIMEOUT_MS),
    ...env,
  });
  return createAuthorizer({
    adapt: fromRestRequestEvent,
    verifyToken: createTokenVerifier(config),
    mfa: { lookup: createMfaLookup(config), enforce: config.enforceMfa },
    log: createDecisionLog(config, "strict"),
  });
}

function userWithToken(enrolled = true) {
  const sub = randomUUID();
  users.set(sub, { enrolled });
  const token = signToken(accessClaims({ sub, username: sub }), key);
  issued.push(token);
  return { sub, token, event: restRequestEvent({ authorization: bearer(token) }) };
}

const effectOf = async (authorizer: Authorizer, event: unknown) => (await authorizer(event)).policyDocument.Statement[0].Effect;

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "stand-in", AWS_SECRET_ACCESS_KEY: "stand-in" });
  server = await startJwksServer({ kind: "keys", keys: [key.publicJwk] });
  logs = captureLogs();
});
beforeEach(() => {
  server.behave({ kind: "keys", keys: [key.publicJwk] });
  server.behaveAsCognito(cognitoUsers);
});
afterAll(async () => {
  logs.restore();
  process.env = savedEnv;
  await server.close();
  const everything = logs.lines.join("\n");
  expect(logs.lines.length).toBeGreaterThan(100);
  for (const piece of issued.flatMap(tokenPieces)) expect(everything).not.toContain(piece);
});

describe("Cognito faults fail closed within COGNITO_TIMEOUT_MS", () => {
  it.each<[string, CognitoBehaviour]>([
    ["throttling (TooManyRequestsException)", { kind: "error", type: "TooManyRequestsException", message: "Rate exceeded" }],
    ["an internal error (InternalErrorException)", { kind: "error", type: "InternalErrorException", message: "boom" }],
    ["HTTP 500", { kind: "status", status: 500 }],
    ["HTTP 503", { kind: "status", status: 503 }],
    ["malformed JSON", { kind: "body", body: "{not json" }],
    ["a hang", { kind: "hang" }],
  ])("on %s: a 500, logged with its cause, and recovery once it ends", async (_, fault) => {
    const authorizer = strictAuthorizer();
    const { event } = userWithToken();
    await authorizer(event); // JWKS cached, so only Cognito is at fault
    server.behaveAsCognito(fault);
    const started = Date.now();

    const error = await authorizer(event).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).message).not.toBe("Unauthorized");
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    const record = logs.records().filter((r) => r.level === "ERROR").at(-1)!;
    expect(record).toMatchObject({ decision: "error", reason: expect.stringMatching(/^(dependency_failure|cognito_throttled)$/) });
    // The SDK's error travels as the cause, unless the deadline ended the call first (a hang, or throttling
    // whose back-off outlasts this test's short timeout).
    expect(JSON.stringify(record.error)).toMatch(/"cause"|did not answer within 400 ms/);

    server.behaveAsCognito(cognitoUsers);
    await expect(effectOf(authorizer, event)).resolves.toBe("Allow");
  });

  it("does not cache a failure: the next request asks again", async () => {
    const authorizer = strictAuthorizer({ MFA_CACHE_TTL_SECONDS: "300" });
    const { event } = userWithToken();
    server.behaveAsCognito({ kind: "status", status: 500 });
    await expect(authorizer(event)).rejects.toBeInstanceOf(DependencyError);
    server.behaveAsCognito(cognitoUsers);

    await expect(effectOf(authorizer, event)).resolves.toBe("Allow");
  });
});

describe("JWKS faults fail closed within JWKS_TIMEOUT_MS", () => {
  it.each([
    ["down (HTTP 503)", { kind: "status", status: 503 } as const],
    ["slow (no answer)", { kind: "hang" } as const],
    ["garbage", { kind: "body", body: "<html>" } as const],
    ["a huge body", { kind: "body", body: `{"keys":[],"x":"${"y".repeat(500_000)}"}` } as const],
  ])("when the JWKS is %s: a 500 before Cognito is asked, then recovery", async (_, fault) => {
    server.behave(fault);
    const authorizer = strictAuthorizer();
    const { event } = userWithToken();
    const calls = server.cognitoCalls;
    const started = Date.now();

    await expect(authorizer(event)).rejects.toBeInstanceOf(DependencyError);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(server.cognitoCalls).toBe(calls);

    server.behave({ kind: "keys", keys: [key.publicJwk] });
    await expect(effectOf(authorizer, event)).resolves.toBe("Allow");
  });

  it("refuses every token with a 401 while the key set is empty, and accepts once the key is back", async () => {
    server.behave({ kind: "keys", keys: [] });
    const authorizer = strictAuthorizer();
    const { event } = userWithToken();

    await expect(authorizer(event)).rejects.toThrow(new Error("Unauthorized"));
  });
});

describe("MFA_LOOKUP=token against what cognito-local cannot show", () => {
  it.each(["Access Token has been revoked", "User is disabled."])("refuses with a 401 when Cognito answers NotAuthorizedException: %s", async (message) => {
    const authorizer = strictAuthorizer({ MFA_LOOKUP: "token" });
    const { event } = userWithToken();
    server.behaveAsCognito({ kind: "error", type: "NotAuthorizedException", message });

    await expect(authorizer(event)).rejects.toThrow(new Error("Unauthorized"));
    expect(logs.records().at(-1)).toMatchObject({ decision: "unauthorized", reason: "token_revoked", Unauthorized: 1 });
  });

  it("fails closed on throttling like the admin lookup", async () => {
    const authorizer = strictAuthorizer({ MFA_LOOKUP: "token" });
    const { event } = userWithToken();
    server.behaveAsCognito({ kind: "status", status: 500 });

    await expect(authorizer(event)).rejects.toBeInstanceOf(DependencyError);
  });
});

describe("MFA removal and disabling bite", () => {
  it("on the very next request with the default TTL of 0", async () => {
    const authorizer = strictAuthorizer();
    const { sub, event } = userWithToken();
    await expect(effectOf(authorizer, event)).resolves.toBe("Allow");

    users.set(sub, { enrolled: false });
    await expect(effectOf(authorizer, event)).resolves.toBe("Deny");
    users.set(sub, { enrolled: true, enabled: false });
    await expect(authorizer(event)).rejects.toThrow(new Error("Unauthorized"));
  });

  it("within the TTL with MFA_CACHE_TTL_SECONDS, and only for enrolment (a Deny is never cached)", async () => {
    const authorizer = strictAuthorizer({ MFA_CACHE_TTL_SECONDS: "1" });
    const { sub, event } = userWithToken();
    await authorizer(event);
    users.set(sub, { enrolled: false });

    await expect(effectOf(authorizer, event)).resolves.toBe("Allow"); // still inside the 1 s window
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(effectOf(authorizer, event)).resolves.toBe("Deny");
    users.set(sub, { enrolled: true });
    await expect(effectOf(authorizer, event)).resolves.toBe("Allow");
  });
});

describe("many users at once in one warm function", () => {
  it.each(["0", "60"])("never gives one user another's answer (MFA_CACHE_TTL_SECONDS=%s)", async (ttl) => {
    const authorizer = strictAuthorizer({ MFA_CACHE_TTL_SECONDS: ttl });
    const callers = Array.from({ length: 60 }, (_, i) => userWithToken(i % 3 !== 0));
    // Cognito answers in random order.
    server.behaveAsCognito({
      kind: "user",
      user: (username) => (cognitoUsers as Extract<CognitoBehaviour, { kind: "user" }>).user(username),
    });

    const results = await Promise.all(callers.flatMap((caller) => [0, 1, 2].map(() => authorizer(caller.event))));

    results.forEach((result, i) => {
      const caller = callers[Math.floor(i / 3)];
      expect(result.principalId).toBe(caller.sub);
      expect(result.context?.sub).toBe(caller.sub);
      expect(result.policyDocument.Statement[0].Effect).toBe(users.get(caller.sub)!.enrolled ? "Allow" : "Deny");
    });
  });
});
