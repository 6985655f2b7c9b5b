/**
 * The example API's routes and which authorizer guards each: the CDK stack builds them, `npm start` serves them.
 * Only the MFA bootstrap route may use the no-MFA authorizer (the route guard enforces that in the stack).
 */
export type AuthorizerKind = "strict" | "no-mfa";

export interface ExampleRoute {
  readonly method: "GET";
  readonly path: string;
  readonly authorizer: AuthorizerKind;
  /** What the route does, for humans. */
  readonly description: string;
}

export const MFA_STATUS_PATH = "/api/users/me/mfa/status";

export const EXAMPLE_ROUTES: readonly ExampleRoute[] = [
  { method: "GET", path: "/api/projects", authorizer: "strict", description: "the caller's projects (echoes sub and username)" },
  { method: "GET", path: "/api/users/me", authorizer: "strict", description: "the caller's identity from the authorizer context" },
  { method: "GET", path: MFA_STATUS_PATH, authorizer: "no-mfa", description: 'MFA bootstrap: {"enabled": bool, "required": true}' },
];
