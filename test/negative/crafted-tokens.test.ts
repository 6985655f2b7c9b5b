/**
 * Crafted tokens and requests an attacker or a broken client might send. Every one is refused, by both
 * handlers, before the MFA lookup is reached, and no log line carries any piece of the token.
 */
import { createHmac } from "node:crypto";
import type { APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { UnsupportedEventError } from "../../lambda/core/errors";
import { offlineNoMfaAuthorizer, offlineStrictAuthorizer } from "../support/authorizers";
import { bearer, restRequestEvent } from "../support/events";
import { captureLogs, tokenPieces } from "../support/log-capture";
import { CLIENT_ID, POOL_ID, REGION, accessClaims, base64url, createSigningKey, signToken } from "../support/tokens";

const key = createSigningKey();
const otherKey = createSigningKey("other-key");
const now = () => Math.floor(Date.now() / 1000);
const header = (fields: Record<string, unknown>) => base64url(JSON.stringify(fields));
const valid = () => signToken(accessClaims(), key);

/** Each case: the event to send, and the token in it (for the log check). */
type Case = () => { event: unknown; token: string };
const withToken = (token: string): ReturnType<Case> => ({ event: restRequestEvent({ authorization: bearer(token) }), token });

const UNAUTHORIZED: Array<[string, Case]> = [
  ["alg none, no signature", () => withToken(`${header({ alg: "none", kid: key.kid })}.${base64url(JSON.stringify(accessClaims()))}.`)],
  ["alg none, some signature", () => withToken(`${header({ alg: "none", kid: key.kid })}.${base64url(JSON.stringify(accessClaims()))}.AAAA`)],
  [
    "HS256 signed with the public key",
    () => {
      const input = `${header({ alg: "HS256", kid: key.kid })}.${base64url(JSON.stringify(accessClaims()))}`;
      return withToken(`${input}.${createHmac("sha256", JSON.stringify(key.publicJwk)).update(input).digest("base64url")}`);
    },
  ],
  ["an unknown kid", () => withToken(signToken(accessClaims(), otherKey))],
  ["no kid", () => withToken(signToken(accessClaims(), key, { alg: "RS256" }))],
  ["a signature by another key under our kid", () => withToken(signToken(accessClaims(), { ...otherKey, kid: key.kid }))],
  [
    "a tampered payload",
    () => {
      const [h, , s] = valid().split(".");
      return withToken(`${h}.${base64url(JSON.stringify(accessClaims({ client_id: CLIENT_ID, username: "root" })))}.${s}`);
    },
  ],
  ["a padded segment", () => withToken(`${valid()}==`)],
  [
    "standard base64 instead of base64url",
    () => {
      const [h, p, s] = valid().split(".");
      return withToken(`${h}.${p}.${Buffer.from(s, "base64url").toString("base64").replace(/=+$/, "")}`);
    },
  ],
  [
    "non-zero unused bits in the signature",
    () => {
      const token = valid();
      // An RS256 signature is 256 bytes: 342 characters, 2 of whose last character's bits are unused.
      const last = token[token.length - 1];
      const sibling = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".indexOf(last) + 1
      ];
      return withToken(token.slice(0, -1) + sibling);
    },
  ],
  ["an expired token", () => withToken(signToken(accessClaims({ exp: now() - 1 }), key))],
  ["no exp", () => withToken(signToken(accessClaims({ exp: undefined }), key))],
  ["nbf in the future", () => withToken(signToken(accessClaims({ nbf: now() + 300 }), key))],
  ["a wrong issuer", () => withToken(signToken(accessClaims({ iss: "https://login.example.com" }), key))],
  [
    "another pool's issuer",
    () => withToken(signToken(accessClaims({ iss: `https://cognito-idp.${REGION}.amazonaws.com/${REGION}_Another9` }), key)),
  ],
  [
    "the global issuer form",
    () => withToken(signToken(accessClaims({ iss: `https://issuer-cognito-idp.${REGION}.amazonaws.com/${POOL_ID}` }), key)),
  ],
  ["an ID token", () => withToken(signToken(accessClaims({ token_use: "id", aud: CLIENT_ID, client_id: undefined }), key))],
  ["a client_id that is not listed", () => withToken(signToken(accessClaims({ client_id: "someoneelse1234567890" }), key))],
  ["no sub", () => withToken(signToken(accessClaims({ sub: undefined }), key))],
  ["a sub that is not a UUID", () => withToken(signToken(accessClaims({ sub: "00000000" }), key))],
  ["no username", () => withToken(signToken(accessClaims({ username: undefined }), key))],
  [
    "the token in the wrong header",
    () => {
      const token = valid();
      return { event: restRequestEvent({ headers: { "X-Api-Token": bearer(token) } }), token };
    },
  ],
  [
    "the token only in the query string",
    () => {
      const token = valid();
      return { event: restRequestEvent({ query: { access_token: token, Authorization: bearer(token) } }), token };
    },
  ],
  ["Bearer with no token", () => ({ event: restRequestEvent({ authorization: "Bearer" }), token: "" })],
  ["the token without Bearer", () => ({ event: restRequestEvent({ authorization: valid() }), token: "" })],
  [
    "two tokens in one header",
    () => {
      const token = valid();
      return { event: restRequestEvent({ authorization: `Bearer ${token} ${token}` }), token };
    },
  ],
  [
    "two Authorization headers",
    () => {
      const token = valid();
      return {
        event: restRequestEvent({
          headers: { Authorization: bearer(token) },
          multiValueHeaders: { Authorization: [bearer(token), bearer(token)] },
        }),
        token,
      };
    },
  ],
  [
    "two header names differing in case",
    () => {
      const token = valid();
      return { event: restRequestEvent({ headers: { Authorization: bearer(token), authorization: bearer(token) } }), token };
    },
  ],
  ["a 100 KB token", () => withToken(`${header({ alg: "RS256", kid: key.kid })}.${"A".repeat(100 * 1024)}.AAAA`)],
];

describe.each([
  ["strict", offlineStrictAuthorizer],
  ["no-mfa", offlineNoMfaAuthorizer],
])("the %s handler refuses", (_, makeAuthorizer) => {
  const lookup = jest.fn();
  const authorizer = makeAuthorizer({ key, lookup });

  afterEach(() => expect(lookup).not.toHaveBeenCalled());

  it.each(UNAUTHORIZED)("%s with a 401", async (_, make) => {
    const { event, token } = make();
    const logs = captureLogs();
    try {
      await expect(authorizer(event as APIGatewayRequestAuthorizerEvent)).rejects.toThrow(new Error("Unauthorized"));
    } finally {
      logs.restore();
    }
    expect(logs.records()).toEqual([expect.objectContaining({ decision: "unauthorized" })]);
    for (const piece of token ? tokenPieces(token) : []) expect(logs.lines.join("\n")).not.toContain(piece);
  });

  it("an HTTP API 2.0 event with a 500 that names it", async () => {
    const event = { version: "2.0", type: "REQUEST", routeArn: "arn", headers: { authorization: bearer(valid()) } };
    const logs = captureLogs();
    try {
      await expect(authorizer(event as never)).rejects.toThrow(UnsupportedEventError);
    } finally {
      logs.restore();
    }
  });

  it("a TOKEN authorizer event with a 500 that names it", async () => {
    const logs = captureLogs();
    try {
      await expect(authorizer({ type: "TOKEN", authorizationToken: bearer(valid()), methodArn: "x" } as never)).rejects.toThrow(
        /type "TOKEN"/,
      );
    } finally {
      logs.restore();
    }
  });
});
