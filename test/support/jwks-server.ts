/** A JWKS endpoint on 127.0.0.1 whose answer each test chooses: keys, an HTTP error, garbage, silence. */
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type JwksBehaviour =
  | { kind: "keys"; keys: object[] }
  | { kind: "status"; status: number }
  | { kind: "body"; body: string }
  | { kind: "hang" };

export interface JwksServer {
  /** The origin, for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`. */
  readonly url: string;
  /** How many requests arrived so far. */
  readonly requests: number;
  behave(behaviour: JwksBehaviour): void;
  close(): Promise<void>;
}

export async function startJwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  let behaviour = initial;
  let requests = 0;
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((_request, response) => {
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return requests;
    },
    behave(next) {
      behaviour = next;
    },
    close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
