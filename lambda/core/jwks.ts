import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { SimpleJwksCache, assertIsJwks, type Jwks } from "aws-jwt-verify/jwk";
import type { Fetcher } from "aws-jwt-verify/https";
import { safeJsonParse } from "aws-jwt-verify/safe-json-parse";
import { DependencyError } from "./errors";

/** A Cognito JWKS is well under 2 KB; anything near this is not one, and is not read into memory. */
const MAX_JWKS_BYTES = 64 * 1024;

/**
 * The pool's key set, cached by aws-jwt-verify (which also rate-limits refetches for unknown key ids).
 * Every way fetching or parsing can fail becomes a {@link DependencyError}, so a broken JWKS is a 500,
 * never confused with a bad token (a 401).
 */
export function createJwksCache(timeoutMs: number): SimpleJwksCache {
  return new SimpleJwksCache({ fetcher: new JwksFetcher(timeoutMs), jwksParser: parseJwks });
}

/**
 * Keeps only RSA keys for RS256 and pins `alg` on them, so aws-jwt-verify refuses a token with any other
 * `alg` before it runs any crypto (it compares the token's alg with the key's), without a second decode.
 */
function parseJwks(body: ArrayBuffer): Jwks {
  let jwks: Jwks;
  try {
    const parsed = safeJsonParse(Buffer.from(body).toString("utf8"));
    assertIsJwks(parsed);
    jwks = parsed;
  } catch (cause) {
    throw new DependencyError("JWKS response is not a JSON Web Key Set", { cause });
  }
  const keys = jwks.keys.filter((key) => key.kty === "RSA" && (key.alg ?? "RS256") === "RS256");
  return { keys: keys.map((key) => ({ ...key, alg: "RS256" })) };
}

/**
 * GETs the JWKS with one deadline over connect, headers and body. Plain http is only ever used
 * for a loopback emulator: the configuration refuses any other http endpoint.
 */
export class JwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      const fail = (problem: string, cause?: unknown) => {
        clearTimeout(deadline);
        request.destroy();
        reject(new DependencyError(`JWKS fetch from ${uri} ${problem}`, { cause }));
      };
      const read = (response: IncomingMessage) => {
        if (response.statusCode !== 200) return fail(`answered HTTP ${response.statusCode}`);
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_JWKS_BYTES) fail(`returned more than ${MAX_JWKS_BYTES} bytes`);
          else chunks.push(chunk);
        });
        response.on("end", () => {
          clearTimeout(deadline);
          const body = Buffer.concat(chunks);
          resolve(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer);
        });
        response.on("error", (cause) => fail("failed while reading", cause));
      };
      const request = (uri.startsWith("http:") ? httpGet : httpsGet)(uri, read);
      request.on("error", (cause) => fail("failed", cause));
      const deadline = setTimeout(() => fail(`timed out after ${this.timeoutMs} ms`), this.timeoutMs);
    });
  }
}
