import { App, Aspects, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AuthorizationType, MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { UserPool } from "aws-cdk-lib/aws-cognito";
import { MfaAuthorizers } from "../../lib/mfa-authorizers";
import { RouteGuard } from "../../lib/route-guard";

/** An API with the guard, the two authorizers, and whatever methods the test adds. */
function apiWith(addMethods: (api: RestApi, authorizers: MfaAuthorizers) => void): () => Template {
  const stack = new Stack(new App(), "Guarded");
  const userPool = new UserPool(stack, "Pool");
  const authorizers = new MfaAuthorizers(stack, "Authorizers", { userPool, userPoolClients: [userPool.addClient("Client")] });
  const api = new RestApi(stack, "Api", { defaultCorsPreflightOptions: { allowOrigins: ["*"] } });
  // Both authorizers must belong to the API for it to synthesize.
  api.root.addResource("home").addMethod("GET", new MockIntegration(), { authorizer: authorizers.strict });
  api.root.addResource("mfa").addResource("status").addMethod("GET", new MockIntegration(), { authorizer: authorizers.noMfa });
  addMethods(api, authorizers);
  Aspects.of(api).add(new RouteGuard({ noMfaAuthorizer: authorizers.noMfa, noMfaAllowlist: ["GET /mfa/status"] }));
  return () => Template.fromStack(stack);
}

describe("RouteGuard", () => {
  it("passes strict methods, the allowlisted no-MFA method and the CORS preflights", () => {
    const synth = apiWith((api, authorizers) =>
      api.root.addResource("projects").addMethod("GET", new MockIntegration(), { authorizer: authorizers.strict }),
    );

    expect(synth).not.toThrow();
  });

  it("fails the synth for a method without an authorizer, naming it", () => {
    const synth = apiWith((api) => api.root.addResource("open").addMethod("POST", new MockIntegration()));

    expect(synth).toThrow("RouteGuard: POST /open has no authorizer");
  });

  it("fails the synth for a method with authorization NONE", () => {
    const synth = apiWith((api) =>
      api.root.addResource("open").addMethod("GET", new MockIntegration(), { authorizationType: AuthorizationType.NONE }),
    );

    expect(synth).toThrow(/GET \/open has no authorizer/);
  });

  it("fails the synth when the no-MFA authorizer guards a method off its allowlist", () => {
    const synth = apiWith((api, authorizers) =>
      api.root.addResource("projects").addMethod("DELETE", new MockIntegration(), { authorizer: authorizers.noMfa }),
    );

    expect(synth).toThrow("RouteGuard: DELETE /projects uses the no-MFA authorizer but is not on its allowlist (GET /mfa/status)");
  });

  it("fails the synth when the allowlisted path is reached with another method", () => {
    const synth = apiWith((api, authorizers) =>
      api.root.getResource("mfa")!.getResource("status")!.addMethod("PUT", new MockIntegration(), { authorizer: authorizers.noMfa }),
    );

    expect(synth).toThrow(/PUT \/mfa\/status uses the no-MFA authorizer/);
  });
});
