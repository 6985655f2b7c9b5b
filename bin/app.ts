#!/usr/bin/env node
/**
 * The CDK app: `npm run synth` (offline, no account needed) and `npx cdk deploy`.
 * Environment-agnostic unless CDK_DEPLOY_ACCOUNT/CDK_DEPLOY_REGION are set; a few settings come from context
 * (`-c allowedOrigin=https://app.example.com -c deletionProtection=false -c allowPasswordAuth=true`).
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { CognitoMfaAuthorizerStack } from "../lib/cognito-mfa-authorizer-stack";

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key);
const account = process.env.CDK_DEPLOY_ACCOUNT;
const region = process.env.CDK_DEPLOY_REGION;

new CognitoMfaAuthorizerStack(app, "CognitoMfaAuthorizerStack", {
  ...(account && region ? { env: { account, region } } : {}),
  allowedOrigin: context("allowedOrigin"),
  deletionProtection: context("deletionProtection") === undefined ? undefined : String(context("deletionProtection")) !== "false",
  allowPasswordAuth: String(context("allowPasswordAuth")) === "true",
});
// Best-practice checks on every synth; a finding that is not fixed or acknowledged with a reason fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
