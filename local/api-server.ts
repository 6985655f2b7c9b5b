/**
 * A local stand-in for API Gateway (REST API) in front of the example routes: each request runs through the
 * real built authorizer bundle with a REQUEST authorizer event, and refusals get the stack's gateway responses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { EXAMPLE_ROUTES, MFA_STATUS_PATH, type AuthorizerKind, type ExampleRoute } from "../lib/example-routes";
import { GATEWAY_RESPONSES, corsHeaders, renderBody, type GatewayResponseType } from "../lib/gateway-responses";
import { ExpiringCache } from "../lambda/core/expiring-cache";
import type { LambdaProcess } from "./lambda-process";

export interface LocalApiOptions {
  readonly authorizers: Readonly<Record<AuthorizerKind, LambdaProcess>>;
  /** The pool's region, used in the `methodArn` the authorizers see. */
  readonly region: string;
  /** The backend of the MFA status route (the stack's example Lambda, run in-process), given the authorizer context. */
  readonly mfaStatus: (context: AuthorizerContext) => Promise<{ statusCode: number; body: string }>;
  /** `Access-Control-Allow-Origin` on every answer. */
  readonly allowedOrigin?: string;
  /**
   * Like API Gateway's authorizer result cache: reuse an answer (Allow or Deny) for this long, keyed on the
   * `Authorization` header. 0 (the default) calls the authorizer on every request.
   */
  readonly authorizerCacheTtlSeconds?: number;
  /** Called once per request with a one-line summary. */
  readonly log?: (line: string) => void;
}

export const LOCAL_ACCOUNT = "123456789012";
export const LOCAL_API_ID = "local";
export const LOCAL_STAGE = "local";

export type AuthorizerContext = Readonly<Record<string, string | number | boolean>>;
type Outcome = { allowed: true; context: AuthorizerContext } | { allowed: false; response: GatewayResponseType; context: AuthorizerContext };

export function createLocalApi(options: LocalApiOptions): Server {
  const cors = corsHeaders(options.allowedOrigin ?? "*");
  const ttlMs = (options.authorizerCacheTtlSeconds ?? 0) * 1000;
  const cache = new ExpiringCache<APIGatewayAuthorizerResult>(10_000);
  const log = options.log ?? (() => undefined);

  const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "Content-Type": "application/json", ...cors, ...headers }).end(
      typeof body === "string" ? body : JSON.stringify(body),
    );
  };

  const sendGatewayResponse = (response: ServerResponse, type: GatewayResponseType, context: AuthorizerContext = {}) => {
    const definition = GATEWAY_RESPONSES[type];
    send(response, definition.statusCode, renderBody(definition.bodyTemplate, context), { ...definition.headers });
  };

  const authorize = async (route: ExampleRoute, event: APIGatewayRequestAuthorizerEvent): Promise<Outcome> => {
    const authorization = headerValue(event, "authorization");
    if (ttlMs > 0 && authorization === undefined) {
      // With caching on, the Authorization header is the identity source: API Gateway refuses without calling.
      return { allowed: false, response: "UNAUTHORIZED", context: {} };
    }
    const cacheKey = `${route.authorizer}\n${authorization}`;
    let policy = ttlMs > 0 ? cache.get(cacheKey, Date.now()) : undefined;
    if (policy === undefined) {
      const { result, error } = await options.authorizers[route.authorizer].invoke<APIGatewayAuthorizerResult>(event);
      if (error) return { allowed: false, response: error.message === "Unauthorized" ? "UNAUTHORIZED" : "AUTHORIZER_FAILURE", context: {} };
      if (!isPolicy(result)) return { allowed: false, response: "AUTHORIZER_CONFIGURATION_ERROR", context: {} };
      policy = result;
      if (ttlMs > 0) cache.set(cacheKey, policy, Date.now() + ttlMs);
    }
    const context = (policy.context ?? {}) as AuthorizerContext;
    return evaluate(policy, event.methodArn) === "Allow"
      ? { allowed: true, context }
      : { allowed: false, response: "ACCESS_DENIED", context };
  };

  /** What each route's integration answers, as the stack's do. */
  const routeResponse = async (route: ExampleRoute, context: AuthorizerContext): Promise<{ statusCode: number; body: string }> => {
    if (route.path === MFA_STATUS_PATH) return options.mfaStatus(context);
    const body = route.path === "/api/projects" ? { sub: context.sub, username: context.username, projects: [] } : { ...context };
    return { statusCode: 200, body: JSON.stringify(body) };
  };

  return createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    const done = (status: number, note = "") => log(`${request.method} ${path} → ${status}${note}`);
    if (request.method === "OPTIONS") {
      // CORS preflight: no authorizer runs, as for the stack's OPTIONS methods.
      response.writeHead(204, cors).end();
      return done(204);
    }
    const route = EXAMPLE_ROUTES.find((r) => r.method === request.method && r.path === path);
    if (route === undefined) {
      send(response, 403, { message: "Missing Authentication Token" });
      return done(403, " (no such route)");
    }
    const event = authorizerEvent(request, route, path, options.region);
    authorize(route, event)
      .then(async (outcome) => {
        if (!outcome.allowed) {
          sendGatewayResponse(response, outcome.response, outcome.context);
          return done(GATEWAY_RESPONSES[outcome.response].statusCode, ` (${route.authorizer}: ${outcome.response})`);
        }
        const { statusCode, body } = await routeResponse(route, outcome.context);
        send(response, statusCode, body);
        done(statusCode, ` (${route.authorizer}: Allow)`);
      })
      .catch((error: unknown) => {
        send(response, 500, { message: "Internal server error" });
        done(500, ` (${String(error)})`);
      });
  });
}

/** The REQUEST authorizer event API Gateway would send for this HTTP request. */
export function authorizerEvent(request: IncomingMessage, route: ExampleRoute, path: string, region: string): APIGatewayRequestAuthorizerEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  // rawHeaders keeps each header as sent: names in their own case, repeats as repeats.
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const [name, value] = [request.rawHeaders[i], request.rawHeaders[i + 1]];
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  const query = new URL(request.url ?? "/", "http://localhost").searchParams;
  const queryStringParameters = query.size ? Object.fromEntries(query) : null;
  const method = request.method ?? "GET";
  return {
    type: "REQUEST",
    methodArn: `arn:aws:execute-api:${region}:${LOCAL_ACCOUNT}:${LOCAL_API_ID}/${LOCAL_STAGE}/${method}${path}`,
    resource: route.path,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters: queryStringParameters && Object.fromEntries([...query.keys()].map((k) => [k, query.getAll(k)])),
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: LOCAL_ACCOUNT,
      apiId: LOCAL_API_ID,
      httpMethod: method,
      path: `/${LOCAL_STAGE}${path}`,
      protocol: `HTTP/${request.httpVersion}`,
      stage: LOCAL_STAGE,
      requestId: crypto.randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: "local",
      resourcePath: route.path,
      identity: { sourceIp: request.socket.remoteAddress ?? "127.0.0.1", userAgent: request.headers["user-agent"] ?? null },
    } as APIGatewayRequestAuthorizerEvent["requestContext"],
  };
}

function headerValue(event: APIGatewayRequestAuthorizerEvent, name: string): string | undefined {
  const key = Object.keys(event.headers ?? {}).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : event.headers![key];
}

function isPolicy(result: unknown): result is APIGatewayAuthorizerResult {
  const policy = result as APIGatewayAuthorizerResult | undefined;
  return typeof policy?.principalId === "string" && Array.isArray(policy.policyDocument?.Statement);
}

/** IAM's rule for one action on one resource: an explicit Deny wins, then an Allow, else an implicit deny. */
function evaluate(policy: APIGatewayAuthorizerResult, methodArn: string): "Allow" | "Deny" {
  const matching = policy.policyDocument.Statement.filter((statement) => {
    const resources = "Resource" in statement ? [statement.Resource].flat() : [];
    return resources.some((resource) => arnPattern(String(resource)).test(methodArn));
  });
  if (matching.some((statement) => statement.Effect === "Deny")) return "Deny";
  return matching.some((statement) => statement.Effect === "Allow") ? "Allow" : "Deny";
}

function arnPattern(resource: string): RegExp {
  const escaped = resource.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`);
}
