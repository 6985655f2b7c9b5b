import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";

export const METHOD_ARN = "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/prod/GET/api/projects";
export const STAGE_RESOURCE = "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/prod/*/*";

/**
 * A REST API REQUEST authorizer event in the shape API Gateway (and SAM CLI's sample) sends.
 * `headers` and `multiValueHeaders` are kept consistent unless given explicitly.
 */
export function restRequestEvent(
  options: {
    authorization?: string;
    headers?: Record<string, string> | null;
    multiValueHeaders?: Record<string, string[]> | null;
    query?: Record<string, string>;
  } = {},
): APIGatewayRequestAuthorizerEvent {
  const headers = options.headers ?? {
    Host: "a1b2c3d4e5.execute-api.eu-west-2.amazonaws.com",
    "User-Agent": "curl/8.5.0",
    ...(options.authorization !== undefined && { Authorization: options.authorization }),
  };
  const multiValueHeaders =
    options.multiValueHeaders !== undefined
      ? options.multiValueHeaders
      : headers && Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  return {
    type: "REQUEST",
    methodArn: METHOD_ARN,
    resource: "/api/projects",
    path: "/api/projects",
    httpMethod: "GET",
    headers: headers as APIGatewayRequestAuthorizerEvent["headers"],
    multiValueHeaders: multiValueHeaders as APIGatewayRequestAuthorizerEvent["multiValueHeaders"],
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: options.query
      ? Object.fromEntries(Object.entries(options.query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: "123456789012",
      apiId: "a1b2c3d4e5",
      httpMethod: "GET",
      path: "/prod/api/projects",
      protocol: "HTTP/1.1",
      stage: "prod",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTimeEpoch: 1_796_400_000_000,
      resourceId: "abc123",
      resourcePath: "/api/projects",
      identity: { sourceIp: "203.0.113.7", userAgent: "curl/8.5.0" },
    } as APIGatewayRequestAuthorizerEvent["requestContext"],
  };
}

export const bearer = (token: string): string => `Bearer ${token}`;
