import { UnsupportedEventError } from "../../lambda/core/errors";
import { buildPolicy, stageWildcardResource } from "../../lambda/core/policy";

describe("stageWildcardResource", () => {
  it.each([
    ["arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/prod/GET/api/projects", "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/prod/*/*"],
    ["arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/prod/GET/", "arn:aws:execute-api:eu-west-2:123456789012:a1b2c3d4e5/prod/*/*"],
    ["arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/v1/POST/a/b/c", "arn:aws-us-gov:execute-api:us-gov-west-1:123456789012:abc/v1/*/*"],
    ["arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev/DELETE/x:y", "arn:aws-cn:execute-api:cn-north-1:123456789012:abc/dev/*/*"],
  ])("widens %s to every route of its stage", (methodArn, expected) => {
    expect(stageWildcardResource(methodArn)).toBe(expected);
  });

  it.each([
    "",
    "arn:aws:lambda:eu-west-2:123456789012:function:x",
    "arn:aws:execute-api:eu-west-2:123456789012:abc/prod/$connect",
    "arn:aws:execute-api:eu-west-2:12345:abc/prod/GET/x",
    "arn:aws:execute-api:eu-west-2:123456789012:abc",
  ])("refuses %j as not a REST method ARN", (methodArn) => {
    expect(() => stageWildcardResource(methodArn)).toThrow(UnsupportedEventError);
  });
});

describe("buildPolicy", () => {
  it("builds one execute-api:Invoke statement with the principal and a copy of the context", () => {
    const context = { sub: "s", mfa: "true" };

    const policy = buildPolicy("s", "Deny", "arn:aws:execute-api:r:1:a/s/*/*", context);

    expect(policy).toEqual({
      principalId: "s",
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Deny", Resource: "arn:aws:execute-api:r:1:a/s/*/*" }],
      },
      context: { sub: "s", mfa: "true" },
    });
    expect(policy.context).not.toBe(context);
  });
});
