import { Stack, type IAspect } from "aws-cdk-lib";
import { CfnMethod, Method, type IAuthorizer } from "aws-cdk-lib/aws-apigateway";
import type { IConstruct } from "constructs";

export interface RouteGuardProps {
  /** The authorizer that skips the MFA check. */
  readonly noMfaAuthorizer: IAuthorizer;
  /** The only methods that may use it, as `"GET /api/users/me/mfa/status"`. */
  readonly noMfaAllowlist: readonly string[];
}

/**
 * Fails the synth when a method of the API (other than a CORS preflight `OPTIONS`) has no authorizer, or uses
 * the no-MFA authorizer without being on the allowlist: a forgotten authorizer must never reach a deployment.
 * Apply with `Aspects.of(api).add(new RouteGuard({...}))`.
 */
export class RouteGuard implements IAspect {
  constructor(private readonly props: RouteGuardProps) {}

  visit(node: IConstruct): void {
    if (!(node instanceof Method) || node.httpMethod === "OPTIONS") return;
    const route = `${node.httpMethod} ${node.resource.path}`;
    const method = node.node.defaultChild as CfnMethod;
    if (method.authorizationType === undefined || method.authorizationType === "NONE") {
      throw new Error(`RouteGuard: ${route} has no authorizer; attach the strict authorizer (or allowlist it for the no-MFA one)`);
    }
    // Both ids resolve to the same `{ Ref: <authorizer> }` when the method uses the no-MFA authorizer.
    const resolved = (id: unknown) => JSON.stringify(Stack.of(node).resolve(id));
    const usesNoMfa = resolved(method.authorizerId) === resolved(this.props.noMfaAuthorizer.authorizerId);
    if (usesNoMfa && !this.props.noMfaAllowlist.includes(route)) {
      throw new Error(`RouteGuard: ${route} uses the no-MFA authorizer but is not on its allowlist (${this.props.noMfaAllowlist.join(", ")})`);
    }
  }
}
