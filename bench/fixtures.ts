/**
 * What the benchmarks run against, all on this machine: cognito-local behind a proxy that counts Cognito
 * calls, real users, tokens signed with the emulator's key, and the built bundles loaded as Lambda loads them.
 */
import { createPublicKey, randomUUID, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import {
  EMULATOR_KID,
  LOCAL_CREDENTIALS,
  createAppClient,
  emulatorPrivateKey,
  startCognitoLocal,
  type CognitoLocal,
} from "../local/cognito-local";
import { createUser, enrolTotp, signIn } from "../local/users";
import { bundlePath, type HandlerName } from "../scripts/build";
// The same access-token claims and signing the tests use.
import { accessClaims, signToken, type SigningKey } from "../test/support/tokens";

export type Handler = (event: unknown) => Promise<APIGatewayAuthorizerResult>;

export interface Fixtures {
  readonly local: CognitoLocal;
  /** The proxy's origin: the endpoint override the bundles get. */
  readonly endpoint: string;
  readonly clientId: string;
  readonly issuer: string;
  readonly jwks: { keys: Array<Record<string, string>> };
  readonly publicKey: KeyObject;
  /** AdminGetUser and GetUser calls that reached "Cognito" so far. */
  cognitoCalls(): number;
  /** A new user of the pool, with TOTP enrolled when asked; returns its sub (= username). */
  newUser(options?: { enrolled?: boolean }): Promise<string>;
  /** A freshly signed access token for that user, as the pool would issue it. */
  token(sub: string): string;
  /** The bundle, loaded afresh with this configuration (and the emulator's endpoint). */
  load(name: HandlerName, env?: Record<string, string>): Handler;
  close(): Promise<void>;
}

export async function startFixtures(): Promise<Fixtures> {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  const dataDir = mkdtempSync(join(tmpdir(), "bench-cognito-"));
  const local = await startCognitoLocal({ dataDir, poolSuffix: "BenchPool1" });
  const clientId = await createAppClient(local, "bench");
  const upstream = new URL(local.url);
  let calls = 0;
  const proxy: Server = createServer((incoming, outgoing) => {
    if (String(incoming.headers["x-amz-target"] ?? "").match(/\.(Admin)?GetUser$/)) calls++;
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const issuer = `https://cognito-idp.${local.region}.amazonaws.com/${local.userPoolId}`;
  const jwks = (await (await fetch(`${local.url}/${local.userPoolId}/.well-known/jwks.json`)).json()) as Fixtures["jwks"];
  const key = { kid: EMULATOR_KID, privateKey: emulatorPrivateKey() } as SigningKey;

  return {
    local,
    endpoint,
    clientId,
    issuer,
    jwks,
    publicKey: createPublicKey({ key: jwks.keys[0] as never, format: "jwk" }),
    cognitoCalls: () => calls,
    async newUser({ enrolled = false } = {}) {
      const [email, password] = [`${randomUUID()}@example.com`, "Bench-Passw0rd-2026!"];
      const sub = await createUser(local, email, password);
      if (enrolled) await enrolTotp(local.client, (await signIn(local.client, clientId, email, password)).AccessToken!);
      return sub;
    },
    token: (sub) => signToken(accessClaims({ sub, username: sub, iss: issuer, client_id: clientId }), key),
    load(name, env = {}) {
      const file = bundlePath(name);
      const saved = { ...process.env };
      Object.assign(process.env, {
        USER_POOL_ID: local.userPoolId,
        USER_POOL_CLIENT_IDS: clientId,
        AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: endpoint,
        ...env,
      });
      delete require.cache[require.resolve(file)];
      try {
        return (require(file) as { handler: Handler }).handler;
      } finally {
        process.env = saved;
      }
    },
    async close() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The REST REQUEST authorizer event API Gateway would send with this Authorization header. */
export function authorizerEvent(authorization: string): Record<string, unknown> {
  const headers = { Host: "abc123.execute-api.eu-west-2.amazonaws.com", Authorization: authorization };
  return {
    type: "REQUEST",
    methodArn: "arn:aws:execute-api:eu-west-2:123456789012:abc123/prod/GET/api/projects",
    resource: "/api/projects",
    path: "/api/projects",
    httpMethod: "GET",
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    requestContext: { accountId: "123456789012", apiId: "abc123", stage: "prod" },
  };
}
