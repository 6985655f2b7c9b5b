import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { UnsupportedEventError } from "./errors";

/** A flat authorizer context: API Gateway passes on strings, numbers and booleans only. */
export type PolicyContext = Readonly<Record<string, string | number | boolean>>;

/** `arn:<partition>:execute-api:<region>:<account>:<apiId>/<stage>/` then `<verb>/<path…>`. */
const METHOD_ARN = /^(arn:aws[a-z-]*:execute-api:[a-z0-9-]+:\d{12}:[a-z0-9]+\/[^/]+\/)[^/]+\/.*$/;

/**
 * The policy's resource: every method and path of the calling API's stage. API Gateway caches a result
 * per identity, not per route, so an answer scoped to one route would be wrong for the next route it serves.
 */
export function stageWildcardResource(methodArn: string): string {
  const match = METHOD_ARN.exec(methodArn);
  if (match === null) throw new UnsupportedEventError("methodArn is not an execute-api method ARN");
  return `${match[1]}*/*`;
}

export function buildPolicy(
  principalId: string,
  effect: "Allow" | "Deny",
  resource: string,
  context: PolicyContext,
): APIGatewayAuthorizerResult {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }],
    },
    context: { ...context },
  };
}
