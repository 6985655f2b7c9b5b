/**
 * A stand-in for Cognito on 127.0.0.1 where cognito-local cannot produce a fault: GET answers the JWKS,
 * POST answers Cognito's JSON protocol (`X-Amz-Target`); each test chooses both answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type JwksBehaviour =
  | { kind: "keys"; keys: object[] }
  | { kind: "status"; status: number }
  | { kind: "body"; body: string }
  | { kind: "hang" };

/** What the Cognito API answers: a user for (Admin)GetUser, an AWS error, an HTTP status, garbage, or nothing. */
export type CognitoBehaviour =
  | { kind: "user"; user: (username: string | undefined) => Record<string, unknown> }
  | { kind: "error"; type: string; message: string }
  | { kind: "status"; status: number }
  | { kind: "body"; body: string }
  | { kind: "hang" };

export interface JwksServer {
  /** The origin, for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  readonly url: string;
  /** How many JWKS requests arrived so far. */
  readonly requests: number;
  /** How many Cognito API calls arrived so far. */
  readonly cognitoCalls: number;
  behave(behaviour: JwksBehaviour): void;
  behaveAsCognito(behaviour: CognitoBehaviour): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  let behaviour = initial;
  let cognito: CognitoBehaviour = { kind: "status", status: 501 };
  let requests = 0;
  let cognitoCalls = 0;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((request, response) => {
    if (request.method === "POST") return answerCognito(request, response);
    requests++;
    switch (behaviour.kind) {
      case "keys":
        return response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: behaviour.keys }));
      case "status":
        return response.writeHead(behaviour.status).end("{}");
      case "body":
        return response.writeHead(200, { "content-type": "application/json" }).end(behaviour.body);
      case "hang":
        hanging.add(response);
        return;
    }
  });
  function answerCognito(request: IncomingMessage, response: ServerResponse): void {
    cognitoCalls++;
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      const json = { "content-type": "application/x-amz-json-1.1" };
      switch (cognito.kind) {
        case "user": {
          const input = JSON.parse(body) as { Username?: string };
          return response.writeHead(200, json).end(JSON.stringify(cognito.user(input.Username)));
        }
        case "error":
          return response
            .writeHead(400, { ...json, "x-amzn-errortype": cognito.type })
            .end(JSON.stringify({ __type: cognito.type, message: cognito.message }));
        case "status":
          return response.writeHead(cognito.status, json).end("{}");
        case "body":
          return response.writeHead(200, json).end(cognito.body);
        case "hang":
          hanging.add(response);
          return;
      }
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    get cognitoCalls() {
      return cognitoCalls;
    },
    behave(next) {
      behaviour = next;
    },
    behaveAsCognito(next) {
      cognito = next;
    },
    close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
