import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  NotAuthorizedException,
  TooManyRequestsException,
  type AdminGetUserCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { randomUUID } from "node:crypto";
import { DependencyError, InternalError, UnsupportedEventError } from "../../lambda/core/errors";
import { offlineNoMfaAuthorizer, offlineStrictAuthorizer } from "../support/authorizers";
import { STAGE_RESOURCE, bearer, restRequestEvent } from "../support/events";
import { captureLogs, tokenPieces, type LogCapture } from "../support/log-capture";
import { CLIENT_ID, accessClaims, createSigningKey, signToken } from "../support/tokens";

const key = createSigningKey();
const cognito = mockClient(CognitoIdentityProviderClient);
const client = new CognitoIdentityProviderClient({ region: "eu-west-2" });

let logs: LogCapture;
beforeEach(() => {
  cognito.reset();
  logs = captureLogs();
});
afterEach(() => logs.restore());

/**
 * A signed-in user: their token, and what Cognito says about them (`null`: no MFA list at all), through
 * AdminGetUser (MFA_LOOKUP=admin) and GetUser with their token (MFA_LOOKUP=token), which refuses a disabled user.
 */
function caller(mfa: string[] | null = ["SOFTWARE_TOKEN_MFA"], fields: Partial<AdminGetUserCommandOutput> = {}) {
  const sub = randomUUID();
  const token = signToken(accessClaims({ sub, username: sub }), key);
  const user = {
    Username: sub,
    Enabled: true,
    UserAttributes: [
      { Name: "sub", Value: sub },
      { Name: "email", Value: "grace@example.com" },
    ],
    UserMFASettingList: mfa ?? undefined,
    ...fields,
  };
  cognito.on(AdminGetUserCommand, { Username: sub }).resolves(user);
  const { Enabled, ...withoutEnabled } = user;
  if (Enabled) cognito.on(GetUserCommand, { AccessToken: token }).resolves(withoutEnabled);
  else cognito.on(GetUserCommand, { AccessToken: token }).rejects(new NotAuthorizedException({ message: "User is disabled.", $metadata: {} }));
  return { sub, token, event: restRequestEvent({ authorization: bearer(token) }) };
}

/** The decision table holds for both ways of reading MFA status. */
let lookupMode = "admin";
const strict = (env?: Record<string, string>) => offlineStrictAuthorizer({ key, client, env: { MFA_LOOKUP: lookupMode, ...env } });
const noMfa = () => offlineNoMfaAuthorizer({ key });

function policy(principalId: string, effect: "Allow" | "Deny", context: Record<string, unknown>): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: STAGE_RESOURCE }],
    },
    context,
  } as APIGatewayAuthorizerResult;
}

describe.each(["admin", "token"])("the decision table (MFA_LOOKUP=%s)", (mode) => {
  beforeAll(() => {
    lookupMode = mode;
  });

  it("strict: a valid token of an enrolled user → Allow, with the identity, mfa and email in the context", async () => {
    const { sub, event } = caller();

    await expect(strict()(event)).resolves.toEqual(
      policy(sub, "Allow", { sub, username: sub, clientId: CLIENT_ID, mfa: "true", email: "grace@example.com" }),
    );
  });

  it("strict: a valid token of a user without TOTP → Deny with reason and message", async () => {
    const { sub, event } = caller(null);

    await expect(strict()(event)).resolves.toEqual(
      policy(sub, "Deny", {
        sub,
        username: sub,
        clientId: CLIENT_ID,
        mfa: "false",
        email: "grace@example.com",
        reason: "mfa_enrolment_required",
        message: "MFA enrolment required",
      }),
    );
  });

  it("strict with ENFORCE_MFA=false: a user without TOTP → Allow with mfa false", async () => {
    const { sub, event } = caller([]);

    await expect(strict({ ENFORCE_MFA: "false" })(event)).resolves.toEqual(
      policy(sub, "Allow", { sub, username: sub, clientId: CLIENT_ID, mfa: "false", email: "grace@example.com" }),
    );
  });

  it("strict with ENFORCE_MFA=false still refuses a disabled user", async () => {
    const { event } = caller([], { Enabled: false });

    await expect(strict({ ENFORCE_MFA: "false" })(event)).rejects.toThrow(new Error("Unauthorized"));
  });

  it.each<[string, Partial<AdminGetUserCommandOutput>]>([
    ["disabled", { Enabled: false }],
    ["re-created with another sub", { UserAttributes: [{ Name: "sub", Value: randomUUID() }] }],
  ])("strict: a user who is %s → Unauthorized", async (_, fields) => {
    const { event } = caller(["SOFTWARE_TOKEN_MFA"], fields);

    await expect(strict()(event)).rejects.toThrow(new Error("Unauthorized"));
  });

  it("strict: Cognito throttling → a non-Unauthorized error (500), never an Allow", async () => {
    const { event } = caller();
    const throttled = new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} });
    cognito.on(AdminGetUserCommand).rejects(throttled).on(GetUserCommand).rejects(throttled);

    const error = await strict()(event).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(DependencyError);
    expect((error as Error).message).not.toBe("Unauthorized");
  });

  it("no-mfa: a valid token → Allow with mfa false, without asking Cognito", async () => {
    const { sub, event } = caller(null);

    await expect(noMfa()(event)).resolves.toEqual(policy(sub, "Allow", { sub, username: sub, clientId: CLIENT_ID, mfa: "false" }));
    expect(cognito.calls()).toHaveLength(0);
  });

  it.each([
    ["strict", () => strict()],
    ["no-mfa", () => noMfa()],
  ])("%s: no Authorization header → Unauthorized, without asking Cognito", async (_, authorizer) => {
    await expect(authorizer()(restRequestEvent())).rejects.toThrow(new Error("Unauthorized"));
    expect(cognito.calls()).toHaveLength(0);
  });

  it.each([
    ["strict", () => strict()],
    ["no-mfa", () => noMfa()],
  ])("%s: an HTTP API 2.0 event → a 500 that names it", async (_, authorizer) => {
    const event = { version: "2.0", type: "REQUEST", routeArn: "arn", headers: { authorization: "Bearer x" } };

    await expect(authorizer()(event)).rejects.toThrow(UnsupportedEventError);
    await expect(authorizer()(event)).rejects.toThrow(/HTTP API payload version 2.0/);
  });

  it("a bug in a dependency → an internal error (500) that keeps its cause", async () => {
    const bug = new TypeError("cannot read properties of undefined");
    const authorizer = offlineStrictAuthorizer({ key, lookup: () => Promise.reject(bug) });

    const error = await authorizer(caller().event).catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(InternalError);
    expect((error as InternalError).reason).toBe("internal_error");
    expect((error as InternalError).cause).toBe(bug);
  });
});

describe("the decision metrics (CloudWatch embedded metric format)", () => {
  beforeAll(() => {
    lookupMode = "admin";
  });

  it("counts each decision by name, with its reason as a dimension, latency and cold start", async () => {
    const authorizer = strict();
    await authorizer(caller().event);
    await authorizer(caller([]).event);
    await authorizer(restRequestEvent()).catch(() => undefined);
    cognito.on(AdminGetUserCommand).rejects(new TooManyRequestsException({ message: "Rate exceeded", $metadata: {} }));
    const stranger = randomUUID();
    await authorizer(restRequestEvent({ authorization: bearer(signToken(accessClaims({ sub: stranger, username: stranger }), key)) })).catch(
      () => undefined,
    );

    const metrics = logs.records().filter((r) => r._aws !== undefined);
    expect(metrics.map((m) => (m._aws as { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> }).CloudWatchMetrics[0].Metrics.map((x) => x.Name))).toEqual([
      ["Allow", "Latency", "ColdStart", "MfaLookupLatency"],
      ["Deny", "Latency", "MfaLookupLatency"],
      ["Unauthorized", "Latency"],
      ["Error", "Latency", "MfaLookupLatency", "CognitoThrottle"],
    ]);
    expect(metrics[1]).toMatchObject({ Deny: 1, reason: "mfa_enrolment_required", handler: "strict" });
    expect(metrics[2]).toMatchObject({ Unauthorized: 1, reason: "missing_token" });
    expect(metrics[3]).toMatchObject({ Error: 1, CognitoThrottle: 1, reason: "cognito_throttled" });
    for (const m of metrics) {
      const [directive] = (m._aws as { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> }).CloudWatchMetrics;
      expect(directive.Namespace).toBe("CognitoMfaAuthorizer");
      // Every dimension and every declared metric is present in the document, as EMF requires.
      for (const key of directive.Dimensions.flat()) expect(m).toHaveProperty(key);
      expect(typeof (m._aws as { Timestamp: number }).Timestamp).toBe("number");
    }
  });
});

describe("the decision log", () => {
  beforeAll(() => {
    lookupMode = "admin";
  });

  it("writes one line per decision with the reason code, never the token", async () => {
    const enrolled = caller();
    const unenrolled = caller([]);
    const authorizer = strict();

    await authorizer(enrolled.event);
    await authorizer(unenrolled.event);
    const expired = signToken(accessClaims({ exp: Math.floor(Date.now() / 1000) - 60 }), key);
    await authorizer(restRequestEvent({ authorization: bearer(expired) })).catch(() => undefined);
    cognito.on(AdminGetUserCommand).rejects(new Error("boom"));
    await authorizer(enrolled.event).catch(() => undefined);

    // Log lines only (a failure also writes a metrics-only line).
    const records = logs.records().filter((r) => r.message === "decision");
    expect(records.map((r) => [r.level, r.decision, r.reason])).toEqual([
      ["INFO", "allow", undefined],
      ["INFO", "deny", "mfa_enrolment_required"],
      ["INFO", "unauthorized", "token_expired"],
      ["ERROR", "error", "dependency_failure"],
    ]);
    expect(records[0]).toMatchObject({ sub: enrolled.sub, clientId: CLIENT_ID, coldStart: true, service: "cognito-mfa-authorizer" });
    expect(records[1]).toMatchObject({ sub: unenrolled.sub, coldStart: false });
    expect(typeof records[0].latencyMs).toBe("number");
    for (const piece of [...tokenPieces(enrolled.token), ...tokenPieces(unenrolled.token)]) {
      expect(logs.lines.join("\n")).not.toContain(piece);
    }
  });

  it("keeps only the metrics below INFO, and writes nothing when SILENT", async () => {
    await offlineStrictAuthorizer({ key, client, env: { POWERTOOLS_LOG_LEVEL: "ERROR" } })(caller().event);
    await offlineStrictAuthorizer({ key, client, env: { POWERTOOLS_LOG_LEVEL: "SILENT" } })(caller().event);

    expect(logs.records()).toEqual([
      expect.objectContaining({ service: "cognito-mfa-authorizer", handler: "strict", decision: "allow", Allow: 1 }),
    ]);
    expect(logs.records()[0]).not.toHaveProperty("message");
    expect(logs.records()[0]).not.toHaveProperty("sub");
  });

});
