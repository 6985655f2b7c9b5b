/**
 * `npm start`: cognito-local with a seeded pool and two demo users, both authorizer bundles in Lambda-like
 * processes, and a local API on 127.0.0.1 whose routes they guard. Ctrl-C stops everything.
 */
import type { APIGatewayProxyEvent } from "aws-lambda";
import { mkdirSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createMfaStatusHandler } from "../lambda/examples/mfa-status-route";
import { EXAMPLE_ROUTES } from "../lib/example-routes";
import { buildBundles } from "../scripts/build";
import { LOCAL_CREDENTIALS, startCognitoLocal } from "./cognito-local";
import { createLocalApi } from "./api-server";
import { ENROLLED_USER, NEW_USER, localDir, saveDemo, seedDemo } from "./demo";
import { startLambdaProcess } from "./lambda-process";

const stops: Array<() => Promise<unknown>> = [];

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const port = Number(process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${process.env.PORT}"`);
  const cacheTtl = Number(process.env.AUTHORIZER_CACHE_TTL_SECONDS ?? 0);

  await buildBundles();
  const dataDir = join(localDir(), "cognito");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const local = await startCognitoLocal({ dataDir });
  stops.push(() => local.stop());
  const seeded = await seedDemo(local);

  const env = {
    USER_POOL_ID: seeded.userPoolId,
    USER_POOL_CLIENT_IDS: seeded.clientId,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: local.url,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    MFA_CACHE_TTL_SECONDS: process.env.MFA_CACHE_TTL_SECONDS,
    // Each decision line (with its metrics) shows in this terminal: what the functions would log in CloudWatch.
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? "INFO",
  };
  const [strict, noMfa] = await Promise.all([startLambdaProcess("strict", env), startLambdaProcess("no-mfa", env)]);
  stops.push(() => strict.stop(), () => noMfa.stop());

  const mfaStatus = createMfaStatusHandler({ client: local.client, userPoolId: seeded.userPoolId, allowedOrigin: "*" });
  const server = createLocalApi({
    authorizers: { strict, "no-mfa": noMfa },
    region: seeded.region,
    authorizerCacheTtlSeconds: cacheTtl,
    mfaStatus: (context) => mfaStatus({ requestContext: { authorizer: context } } as unknown as APIGatewayProxyEvent),
    log: (line) => console.log(line),
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  stops.unshift(() => new Promise((resolve) => server.close(resolve)));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  saveDemo({ ...seeded, apiUrl });
  console.log(instructions(apiUrl, local.url, seeded.userPoolId, seeded.password, cacheTtl));
}

function instructions(apiUrl: string, cognitoUrl: string, poolId: string, password: string, cacheTtl: number): string {
  const routes = EXAMPLE_ROUTES.map((r) => `  ${r.method} ${apiUrl}${r.path}  [${r.authorizer}] ${r.description}`).join("\n");
  return `
Local API ready at ${apiUrl}
  Cognito emulator ${cognitoUrl}, pool ${poolId}; authorizer result cache ${cacheTtl ? `${cacheTtl} s` : "off"}

Routes:
${routes}

Demo users (password ${password}):
  ${ENROLLED_USER}   TOTP enrolled   → strict routes answer 200
  ${NEW_USER}        no TOTP yet     → strict routes answer 403, the MFA status route 200

Try it (in another terminal):
  curl -i ${apiUrl}/api/projects                                            # 401: no token
  TOKEN=$(npm run --silent token -- ${ENROLLED_USER})
  curl -i -H "Authorization: Bearer $TOKEN" ${apiUrl}/api/projects          # 200
  TOKEN=$(npm run --silent token -- ${NEW_USER})
  curl -i -H "Authorization: Bearer $TOKEN" ${apiUrl}/api/projects          # 403: MFA enrolment required
  curl -i -H "Authorization: Bearer $TOKEN" ${apiUrl}/api/users/me/mfa/status  # 200 {"enabled":false,"required":true}

Ctrl-C stops the API, the authorizers and the emulator.
`;
}

async function stopAll(): Promise<void> {
  for (const stop of stops.splice(0)) await stop().catch(() => undefined);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log("\nStopping…");
    void stopAll().then(() => process.exit(0));
  });
}

main().catch(async (error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll();
  process.exit(1);
});
