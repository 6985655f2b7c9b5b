/**
 * Property-based tests (fast-check): mutations of a valid token and of its header. The answer is Allow only
 * when the header holds exactly one `Bearer <token>` whose token is the valid one, byte for byte; everything
 * else is a 401 (never a 500, never an Allow), including for copies of a token the cache already holds.
 * fast-check prints the seed and the shrunk counterexample on failure.
 */
import fc from "fast-check";
import type { APIGatewayAuthorizerResult } from "aws-lambda";
import { offlineNoMfaAuthorizer } from "../support/authorizers";
import { restRequestEvent } from "../support/events";
import { captureLogs, tokenPieces, type LogCapture } from "../support/log-capture";
import { accessClaims, createSigningKey, signToken } from "../support/tokens";

const key = createSigningKey();
const impostor = { ...createSigningKey(), kid: key.kid };
const valid = signToken(accessClaims(), key);
const authorizer = offlineNoMfaAuthorizer({ key });
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const NOISE = `${BASE64URL}=+/ .\t%`;

let logs: LogCapture;
beforeAll(async () => {
  logs = captureLogs();
  // The valid token is verified once, so every mutation below is also a mutated copy of a cached token.
  await authorizer(restRequestEvent({ authorization: `Bearer ${valid}` }));
});
afterAll(() => {
  logs.restore();
  const everything = logs.lines.join("\n");
  expect(logs.lines.length).toBeGreaterThan(1000);
  for (const piece of tokenPieces(valid)) expect(everything).not.toContain(piece);
});

type Outcome = "allow" | "unauthorized";
async function outcome(event: unknown): Promise<Outcome> {
  try {
    const result: APIGatewayAuthorizerResult = await authorizer(event);
    return result.policyDocument.Statement[0].Effect === "Allow" ? "allow" : "unauthorized";
  } catch (error) {
    // Anything but a 401 (a 500 from a mapping mistake) fails the property.
    if ((error as Error).message !== "Unauthorized") throw error;
    return "unauthorized";
  }
}

/** One edit of a string: replace, insert or delete a character, flip its case, pad, truncate or re-encode. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), char: fc.constantFrom(...NOISE) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), char: fc.constantFrom(...NOISE) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("case" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("pad" as const), padding: fc.constantFrom("=", "==") }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("base64" as const), segment: fc.integer({ min: 0, max: 2 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(token: string, m: Mutation): string {
  if (token === "") return m.kind === "insert" ? m.char : token;
  const at = "at" in m ? m.at % Math.max(token.length, 1) : 0;
  switch (m.kind) {
    case "replace":
      return token.slice(0, at) + m.char + token.slice(at + 1);
    case "insert":
      return token.slice(0, at) + m.char + token.slice(at);
    case "delete":
      return token.slice(0, at) + token.slice(at + 1);
    case "case": {
      const c = token[at];
      return token.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + token.slice(at + 1);
    }
    case "pad":
      return token + m.padding;
    case "truncate":
      return token.slice(0, at);
    case "base64": {
      const segments = token.split(".");
      if (segments[m.segment] === undefined) return token;
      segments[m.segment] = Buffer.from(segments[m.segment], "base64url").toString("base64");
      return segments.join(".");
    }
  }
}

describe("fuzzing the token", () => {
  it("allows only the valid token itself, after any chain of edits", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (edits) => {
        const token = edits.reduce(mutate, valid);
        const expected: Outcome = token === valid ? "allow" : "unauthorized";
        expect(await outcome(restRequestEvent({ authorization: `Bearer ${token}` }))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("refuses any claims re-signed with another key under the pool's kid", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ username: fc.string({ minLength: 1 }), client_id: fc.constantFrom("testclient0123456789abcdef", "x"), exp: fc.integer() }),
        async (claims) => {
          const forged = signToken(accessClaims(claims), impostor);
          expect(await outcome(restRequestEvent({ authorization: `Bearer ${forged}` }))).toBe("unauthorized");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("fuzzing the Authorization header", () => {
  const scheme = fc.constantFrom("Bearer", "bearer", "BEARER", "BeArEr", "Bearer:", "Basic", "Token");
  const gap = fc.constantFrom(" ", "  ", "   ", "\t", "", " \t");
  const edge = fc.constantFrom("", " ", "  ", "\t", "\n");
  const name = fc.constantFrom("Authorization", "authorization", "AUTHORIZATION", "Authorisation", "X-Authorization");

  it("allows only exactly one value of exactly `Bearer +<token>` (scheme in any case, trimmed)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          scheme,
          gap,
          lead: edge,
          trail: edge,
          name,
          duplicateName: fc.option(name, { nil: undefined }),
          repeatedValue: fc.boolean(),
          multiValueMap: fc.boolean(),
        }),
        async (h) => {
          const value = `${h.lead}${h.scheme}${h.gap}${valid}${h.trail}`;
          const headers: Record<string, string> = { Host: "api.example.com", [h.name]: value };
          if (h.duplicateName !== undefined) headers[h.duplicateName] = value;
          const multiValueHeaders = h.multiValueMap
            ? Object.fromEntries(Object.entries(headers).map(([n, v]) => [n, h.repeatedValue && n === h.name ? [v, v] : [v]]))
            : null;
          const names = Object.keys(headers).filter((n) => n.toLowerCase() === "authorization");
          const repeated = h.multiValueMap && h.repeatedValue && h.name.toLowerCase() === "authorization";
          const single = names.length === 1 && !repeated;
          const wellFormed = /^bearer +$/i.test(`${h.scheme}${h.gap}`);
          const expected: Outcome = single && wellFormed ? "allow" : "unauthorized";

          expect(await outcome(restRequestEvent({ headers, multiValueHeaders }))).toBe(expected);
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe("fuzzing the clock against the verified-token cache", () => {
  it("serves a cached token until its exp and refuses it from then on", async () => {
    await fc.assert(
      // At least 30 s of life, so the real clock cannot expire the token before the first request.
      fc.asyncProperty(fc.integer({ min: 30, max: 3600 }), fc.integer({ min: -29, max: 3600 }), async (lifetime, later) => {
        const now = Math.floor(Date.now() / 1000);
        const token = signToken(accessClaims({ exp: now + lifetime }), key);
        expect(await outcome(restRequestEvent({ authorization: `Bearer ${token}` }))).toBe("allow");
        // Then the clock moves (and the answer comes from the cache while it is still valid).
        const clock = jest.spyOn(Date, "now").mockReturnValue((now + lifetime + later) * 1000);
        try {
          expect(await outcome(restRequestEvent({ authorization: `Bearer ${token}` }))).toBe(later < 0 ? "allow" : "unauthorized");
        } finally {
          clock.mockRestore();
        }
      }),
      { numRuns: 150 },
    );
  });
});
