/**
 * The CDK app as `npm run synth` runs it: offline, cdk-nag clean, and its function assets are the bundles
 * that answer as the contract says.
 */
import { App, Validations } from "aws-cdk-lib";
import { Bucket } from "aws-cdk-lib/aws-s3";
import { AwsSolutionsChecks } from "cdk-nag";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoMfaAuthorizerStack } from "../../lib/cognito-mfa-authorizer-stack";
import { startLambdaProcess } from "../../local/lambda-process";
import { restRequestEvent } from "../support/events";
import { cleanEnv, run } from "../support/run";

describe("cdk-nag (AwsSolutions)", () => {
  it("has no unacknowledged finding on the stack", () => {
    const app = new App();
    new CognitoMfaAuthorizerStack(app, "Nagged");
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).not.toThrow();
  });

  it("would fail the synth on a finding nobody acknowledged", () => {
    const app = new App();
    const stack = new CognitoMfaAuthorizerStack(app, "Nagged");
    new Bucket(stack, "Careless");
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });
});

describe("npm run synth", () => {
  let outdir: string;
  let template: { Resources: Record<string, { Type: string; Properties: Record<string, any>; Metadata?: Record<string, string> }> };
  let result: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), "cdk-out-"));
    result = await run("npm", ["run", "synth", "--", "-o", outdir], { env: cleanEnv() });
    template = JSON.parse(readFileSync(join(outdir, "CognitoMfaAuthorizerStack.template.json"), "utf8"));
  }, 120_000);

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it("synthesizes offline, with no account, into the output folder", () => {
    expect(result.code).toBe(0);
    expect(Object.values(template.Resources).filter((r) => r.Type === "AWS::ApiGateway::Authorizer")).toHaveLength(2);
  });

  it("deploys an asset of the strict bundle that answers a crafted event with Unauthorized", async () => {
    const [, strict] = Object.entries(template.Resources).find(
      ([, r]) => r.Type === "AWS::Lambda::Function" && String(r.Properties.Description).includes("strict"),
    )!;
    const assetDir = join(outdir, strict.Metadata!["aws:asset:path"]);
    const lambda = await startLambdaProcess("strict", { USER_POOL_ID: "eu-west-2_AbCdEf123", USER_POOL_CLIENT_IDS: "client1", POWERTOOLS_LOG_LEVEL: "SILENT" }, {
      bundleFile: join(assetDir, "index.js"),
    });
    try {
      await expect(lambda.invoke(restRequestEvent({ authorization: "Bearer not.a.jwt" }))).resolves.toEqual({
        error: { name: "UnauthorizedError", message: "Unauthorized" },
      });
    } finally {
      await lambda.stop();
    }
    expect(readFileSync(join(assetDir, "index.js"))).toEqual(readFileSync(join(__dirname, "../../dist/strict/index.js")));
  });
});
