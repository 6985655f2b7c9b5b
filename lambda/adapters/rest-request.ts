import { UnauthorizedError, UnsupportedEventError } from "../core/errors";
import { parseBearerToken } from "../core/bearer-token";
import { stageWildcardResource } from "../core/policy";
import type { AuthorizationRequest } from "../core/authorizer";

const EXPECTED = "this function takes REST API REQUEST authorizer events";

/**
 * Turns an API Gateway REST API `REQUEST` authorizer event (`APIGatewayRequestAuthorizerEvent`) into the
 * token and policy resource the core needs. Any other event is a wiring mistake and is named in the error.
 * The event is taken as `unknown`: whatever arrives is checked, not trusted to match its type.
 */
export function fromRestRequestEvent(event: unknown): AuthorizationRequest {
  const e = (typeof event === "object" && event !== null ? event : {}) as Record<string, unknown>;
  if (e.version !== undefined) {
    throw new UnsupportedEventError(
      `received an HTTP API payload version ${String(e.version)} event; ${EXPECTED}`,
    );
  }
  const requestContext = e.requestContext as Record<string, unknown> | undefined;
  if (requestContext?.connectionId !== undefined || requestContext?.eventType !== undefined) {
    throw new UnsupportedEventError(`received a WebSocket API event; ${EXPECTED}`);
  }
  if (e.type !== "REQUEST") {
    throw new UnsupportedEventError(
      `received an authorizer event of type ${JSON.stringify(e.type)}; ${EXPECTED}`,
    );
  }
  if (typeof e.methodArn !== "string") throw new UnsupportedEventError("REQUEST event has no methodArn");
  const resource = stageWildcardResource(e.methodArn);
  return { token: parseBearerToken(authorizationHeader(e.headers, e.multiValueHeaders)), resource };
}

/**
 * The one `Authorization` value. Header names are case-insensitive, so two names that differ only in case
 * are two headers; API Gateway keeps the last of repeated values in `headers` and all in `multiValueHeaders`,
 * so both maps are read and must agree on exactly one value.
 */
function authorizationHeader(headers: unknown, multiValueHeaders: unknown): string {
  const single = authorizationValues(headers);
  const multi = authorizationValues(multiValueHeaders);
  if (single.length === 0 && multi.length === 0) throw new UnauthorizedError("missing_token", "no Authorization header");
  if (single.length > 1 || multi.length > 1) throw malformed("more than one Authorization header");
  if (multi.length === 0) return asString(single[0]);
  const values = multi[0];
  if (!Array.isArray(values) || values.length !== 1) throw malformed("Authorization header has not exactly one value");
  if (single.length === 1 && single[0] !== values[0]) throw malformed("headers and multiValueHeaders disagree on Authorization");
  return asString(values[0]);
}

function asString(value: unknown): string {
  if (typeof value !== "string") throw malformed("Authorization value is not a string");
  return value;
}

function malformed(detail: string): UnauthorizedError {
  return new UnauthorizedError("malformed_header", detail);
}

function authorizationValues(headers: unknown): unknown[] {
  const values: unknown[] = [];
  if (headers === null || typeof headers !== "object") return values;
  for (const name of Object.keys(headers)) {
    // The length test first: most header names are not 13 characters long, and it saves a lowercase copy.
    if (name.length === 13 && name.toLowerCase() === "authorization") values.push((headers as Record<string, unknown>)[name]);
  }
  return values;
}
