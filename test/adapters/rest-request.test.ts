import { fromRestRequestEvent } from "../../lambda/adapters/rest-request";
import { UnauthorizedError, UnsupportedEventError, type ReasonCode } from "../../lambda/core/errors";
import { STAGE_RESOURCE, bearer, restRequestEvent } from "../support/events";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

function refusalReason(event: unknown): ReasonCode {
  try {
    fromRestRequestEvent(event);
  } catch (error) {
    if (error instanceof UnauthorizedError) return error.reason;
    throw error;
  }
  throw new Error("event accepted");
}

describe("fromRestRequestEvent", () => {
  it("returns the token and the stage-wide resource", () => {
    expect(fromRestRequestEvent(restRequestEvent({ authorization: bearer(TOKEN) }))).toEqual({
      token: TOKEN,
      resource: STAGE_RESOURCE,
    });
  });

  it("reads the header name in any case", () => {
    const event = restRequestEvent({ headers: { aUtHoRiZaTiOn: bearer(TOKEN) } });

    expect(fromRestRequestEvent(event).token).toBe(TOKEN);
  });

  it("reads headers alone when multiValueHeaders is absent (hand-written events)", () => {
    const event = restRequestEvent({ headers: { authorization: bearer(TOKEN) }, multiValueHeaders: null });

    expect(fromRestRequestEvent(event).token).toBe(TOKEN);
  });

  it("reads multiValueHeaders alone when headers is absent", () => {
    const event = restRequestEvent({ headers: null, multiValueHeaders: { Authorization: [bearer(TOKEN)] } });

    expect(fromRestRequestEvent(event).token).toBe(TOKEN);
  });

  it.each<[string, Parameters<typeof restRequestEvent>[0], ReasonCode]>([
    ["no headers at all", { headers: null, multiValueHeaders: null }, "missing_token"],
    ["no Authorization header", { headers: { Host: "x" } }, "missing_token"],
    ["the token in another header", { headers: { "X-Authorization": bearer(TOKEN) } }, "missing_token"],
    ["the token only in the query string", { headers: { Host: "x" }, query: { access_token: TOKEN } }, "missing_token"],
    ["two names differing in case", { headers: { Authorization: bearer(TOKEN), authorization: bearer(TOKEN) } }, "malformed_header"],
    [
      "two values of one header",
      { headers: { Authorization: bearer(TOKEN) }, multiValueHeaders: { Authorization: [bearer("a.b.c"), bearer(TOKEN)] } },
      "malformed_header",
    ],
    [
      "maps that disagree",
      { headers: { Authorization: bearer(TOKEN) }, multiValueHeaders: { Authorization: [bearer("YQ.YQ.YQ")] } },
      "malformed_header",
    ],
    ["an empty value list", { headers: null, multiValueHeaders: { Authorization: [] } }, "malformed_header"],
    ["a value that is not a string", { headers: { Authorization: 42 as unknown as string }, multiValueHeaders: null }, "malformed_header"],
    ["Bearer with no token", { authorization: "Bearer " }, "malformed_header"],
  ])("refuses %s with a 401", (_, options, reason) => {
    expect(refusalReason(restRequestEvent(options))).toBe(reason);
  });

  it.each<[string, unknown, RegExp]>([
    ["null", null, /type undefined/],
    ["a string", "Bearer x", /type undefined/],
    ["a TOKEN event", { type: "TOKEN", authorizationToken: bearer(TOKEN), methodArn: "arn" }, /type "TOKEN"/],
    [
      "an HTTP API 2.0 event",
      { version: "2.0", type: "REQUEST", routeArn: "arn", headers: { authorization: bearer(TOKEN) } },
      /HTTP API payload version 2.0/,
    ],
    ["an HTTP API 1.0 event", { ...restRequestEvent({ authorization: bearer(TOKEN) }), version: "1.0" }, /version 1.0/],
    [
      "a WebSocket $connect event",
      {
        type: "REQUEST",
        methodArn: "arn:aws:execute-api:eu-west-2:123456789012:abc/prod/$connect",
        headers: { Authorization: bearer(TOKEN) },
        requestContext: { eventType: "CONNECT", connectionId: "abc=" },
      },
      /WebSocket/,
    ],
    ["a REQUEST event without methodArn", { type: "REQUEST", headers: { Authorization: bearer(TOKEN) } }, /no methodArn/],
    [
      "a REQUEST event with a foreign methodArn",
      { ...restRequestEvent({ authorization: bearer(TOKEN) }), methodArn: "arn:aws:lambda:eu-west-2:1:function:f" },
      /methodArn/,
    ],
  ])("refuses %s as a deployment mistake that names it", (_, event, message) => {
    expect(() => fromRestRequestEvent(event)).toThrow(UnsupportedEventError);
    expect(() => fromRestRequestEvent(event)).toThrow(message);
  });
});
