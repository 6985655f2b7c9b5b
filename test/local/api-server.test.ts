import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { createLocalApi, type LocalApiOptions } from "../../local/api-server";
import type { Invocation, LambdaProcess } from "../../local/lambda-process";

/** An authorizer stand-in that answers from a function and counts its invocations. */
function fakeAuthorizer(answer: (event: APIGatewayRequestAuthorizerEvent) => Invocation) {
  const events: APIGatewayRequestAuthorizerEvent[] = [];
  const lambda: LambdaProcess = {
    invoke: async <T>(event: unknown) => {
      events.push(event as APIGatewayRequestAuthorizerEvent);
      return answer(event as APIGatewayRequestAuthorizerEvent) as Invocation<T>;
    },
    stop: async () => undefined,
  };
  return { lambda, events };
}

const policy = (effect: "Allow" | "Deny", resource: string, context: Record<string, string> = {}): Invocation<APIGatewayAuthorizerResult> => ({
  result: {
    principalId: "user-1",
    policyDocument: { Version: "2012-10-17", Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }] },
    context: { sub: "user-1", username: "user-1", ...context },
  },
});
const mfaStatusAnswer = (enabled: boolean) => async () => ({ statusCode: 200, body: JSON.stringify({ enabled, required: true }) });
const STAGE = "arn:aws:execute-api:eu-west-2:123456789012:local/local/*/*";

let server: Server;
let url: string;

async function serve(options: Partial<LocalApiOptions> & Pick<LocalApiOptions, "authorizers">): Promise<void> {
  server = createLocalApi({ region: "eu-west-2", mfaStatus: mfaStatusAnswer(true), ...options });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(() => new Promise((resolve) => server.close(resolve)));

const get = (path: string, token?: string) => fetch(`${url}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

describe("the local API", () => {
  it("sends the authorizer a REST REQUEST event built from the HTTP request", async () => {
    const strict = fakeAuthorizer(() => policy("Allow", STAGE));
    await serve({ authorizers: { strict: strict.lambda, "no-mfa": fakeAuthorizer(() => policy("Allow", STAGE)).lambda } });

    await fetch(`${url}/api/projects?page=2`, { headers: { Authorization: "Bearer abc", "X-Trace": "1" } });

    expect(strict.events[0]).toMatchObject({
      type: "REQUEST",
      methodArn: "arn:aws:execute-api:eu-west-2:123456789012:local/local/GET/api/projects",
      resource: "/api/projects",
      path: "/api/projects",
      httpMethod: "GET",
      headers: expect.objectContaining({ Authorization: "Bearer abc", "X-Trace": "1" }),
      multiValueHeaders: expect.objectContaining({ Authorization: ["Bearer abc"] }),
      queryStringParameters: { page: "2" },
      requestContext: expect.objectContaining({ stage: "local", resourcePath: "/api/projects" }),
    });
  });

  it.each<[string, Invocation, number, string]>([
    ["an Unauthorized error", { error: { name: "UnauthorizedError", message: "Unauthorized" } }, 401, '{"message":"Unauthorized"}'],
    ["any other error", { error: { name: "DependencyError", message: "JWKS down" } }, 500, '{"message":"Internal server error"}'],
    ["something that is not a policy", { result: { allow: true } }, 500, '{"message":"Internal server error"}'],
    ["a Deny", policy("Deny", STAGE, { message: "MFA enrolment required" }), 403, '{"message":"MFA enrolment required"}'],
    ["an Allow for another stage", policy("Allow", "arn:aws:execute-api:eu-west-2:123456789012:local/prod/*/*"), 403, '{"message":""}'],
  ])("answers %s like the stack's gateway responses", async (_, answer, status, body) => {
    const strict = fakeAuthorizer(() => answer);
    await serve({ authorizers: { strict: strict.lambda, "no-mfa": strict.lambda } });

    const response = await get("/api/projects", "abc");

    expect(response.status).toBe(status);
    expect(await response.text()).toBe(body);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("www-authenticate")).toBe(status === 401 ? "Bearer" : null);
  });

  it("routes each path to its own authorizer and answers the route with the context", async () => {
    const strict = fakeAuthorizer(() => policy("Deny", STAGE, { message: "MFA enrolment required" }));
    const noMfa = fakeAuthorizer(() => policy("Allow", STAGE));
    await serve({ authorizers: { strict: strict.lambda, "no-mfa": noMfa.lambda }, mfaStatus: mfaStatusAnswer(false) });

    const response = await get("/api/users/me/mfa/status", "abc");

    expect(await response.json()).toEqual({ enabled: false, required: true });
    expect([strict.events.length, noMfa.events.length]).toEqual([0, 1]);
  });

  it("answers an unknown route like API Gateway, and a preflight without an authorizer", async () => {
    const strict = fakeAuthorizer(() => policy("Allow", STAGE));
    await serve({ authorizers: { strict: strict.lambda, "no-mfa": strict.lambda }, allowedOrigin: "https://app.example.com" });

    const missing = await get("/nope", "abc");
    const preflight = await fetch(`${url}/api/projects`, { method: "OPTIONS" });

    expect([missing.status, await missing.json()]).toEqual([403, { message: "Missing Authentication Token" }]);
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(strict.events).toHaveLength(0);
  });

  it("calls the authorizer on every request when its cache is off", async () => {
    const strict = fakeAuthorizer(() => policy("Allow", STAGE));
    await serve({ authorizers: { strict: strict.lambda, "no-mfa": strict.lambda } });

    await get("/api/projects", "abc");
    await get("/api/users/me", "abc");

    expect(strict.events).toHaveLength(2);
  });

  it("with a cache TTL, reuses an answer (Deny too) for the same header across routes, and refuses a missing header itself", async () => {
    let effect: "Allow" | "Deny" = "Deny";
    const strict = fakeAuthorizer(() => policy(effect, STAGE, { message: "MFA enrolment required" }));
    await serve({ authorizers: { strict: strict.lambda, "no-mfa": strict.lambda }, authorizerCacheTtlSeconds: 300 });

    expect((await get("/api/projects", "abc")).status).toBe(403);
    effect = "Allow"; // the user enrols, but the cached Deny still answers
    expect((await get("/api/users/me", "abc")).status).toBe(403);
    expect((await get("/api/projects", "other")).status).toBe(200);
    expect((await get("/api/projects")).status).toBe(401);

    expect(strict.events).toHaveLength(2);
  });
});
