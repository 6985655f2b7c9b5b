/**
 * What API Gateway answers when the authorizer refuses or fails, as plain data: the CDK stack turns it into
 * gateway responses and `npm start` renders the same answers locally. No CDK import, so the local server stays light.
 */

/** The gateway response types we customise, keyed by API Gateway's own names. */
export type GatewayResponseType = "UNAUTHORIZED" | "ACCESS_DENIED" | "AUTHORIZER_FAILURE" | "AUTHORIZER_CONFIGURATION_ERROR";

export interface GatewayResponseDefinition {
  readonly statusCode: number;
  /** Extra headers besides CORS, as literal values. */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The `application/json` body template. API Gateway substitutes `$context.authorizer.<key>` with the
   * authorizer context's value, or with nothing: there is no fallback, so every Deny carries `message`.
   */
  readonly bodyTemplate: string;
}

const INTERNAL_ERROR: GatewayResponseDefinition = {
  statusCode: 500,
  headers: {},
  bodyTemplate: '{"message":"Internal server error"}',
};

export const GATEWAY_RESPONSES: Readonly<Record<GatewayResponseType, GatewayResponseDefinition>> = {
  // The authorizer threw Error("Unauthorized"): no or bad token.
  UNAUTHORIZED: { statusCode: 401, headers: { "WWW-Authenticate": "Bearer" }, bodyTemplate: '{"message":"Unauthorized"}' },
  // A Deny policy, e.g. MFA enrolment required: the browser app reads the message and sends the user to enrolment.
  ACCESS_DENIED: { statusCode: 403, headers: {}, bodyTemplate: '{"message":"$context.authorizer.message"}' },
  // The authorizer threw anything else (JWKS or Cognito down, wrong event kind), or timed out.
  AUTHORIZER_FAILURE: INTERNAL_ERROR,
  // The authorizer returned something API Gateway cannot read as a policy.
  AUTHORIZER_CONFIGURATION_ERROR: INTERNAL_ERROR,
};

/** CORS headers on every gateway response, so a browser app can read a 401 or 403 body. */
export function corsHeaders(allowedOrigin: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": allowedOrigin,
    "Access-Control-Allow-Headers": "Authorization,Content-Type",
    "Access-Control-Allow-Methods": "GET,OPTIONS",
  };
}

/** Renders a body template the way API Gateway does: plain substitution, a missing key becomes empty. */
export function renderBody(template: string, authorizerContext: Readonly<Record<string, unknown>> = {}): string {
  return template.replace(/\$context\.authorizer\.([A-Za-z0-9_]+)/g, (_, key: string) =>
    authorizerContext[key] === undefined ? "" : String(authorizerContext[key]),
  );
}
