import { assertCanonicalJwt, parseBearerToken } from "../../lambda/core/bearer-token";
import { UnauthorizedError } from "../../lambda/core/errors";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

/** The header read, then the token's form checked, as the authorizer does before any decoding. */
function refusal(value: string): UnauthorizedError {
  try {
    assertCanonicalJwt(parseBearerToken(value));
  } catch (error) {
    if (error instanceof UnauthorizedError) return error;
    throw error;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe("parseBearerToken", () => {
  it.each([`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER   ${TOKEN}`, `  Bearer ${TOKEN}\t`])("reads %j", (value) => {
    expect(parseBearerToken(value)).toBe(TOKEN);
  });

  it.each([
    ["an empty value", ""],
    ["a token without the scheme", TOKEN],
    ["another scheme", `Basic ${TOKEN}`],
    ["the scheme alone", "Bearer"],
    ["the scheme and spaces", "Bearer    "],
    ["two tokens", `Bearer ${TOKEN} ${TOKEN}`],
    ["a tab instead of a space", `Bearer\t${TOKEN}`],
    ["a scheme glued to the token", `Bearer${TOKEN}`],
  ])("refuses %s as a malformed header", (_, value) => {
    const error = refusal(value);

    expect(error.message).toBe("Unauthorized");
    expect(error.reason).toBe("malformed_header");
  });

  it.each([
    ["two segments", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0"],
    ["four segments", `${TOKEN}.c2ln`],
    ["an empty segment", "eyJhbGciOiJSUzI1NiJ9..c2lnbmF0dXJl"],
    ["padding", `${TOKEN}=`],
    ["a segment of impossible length", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnb"],
    ["non-zero unused bits (length 2 mod 4)", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlcB"],
    ["non-zero unused bits (length 3 mod 4)", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlcmB"],
  ])("refuses a token with %s before any decoding", (_, token) => {
    expect(refusal(`Bearer ${token}`).reason).toBe("malformed_token");
  });

  it("accepts canonical final characters of each length", () => {
    // "a" → "YQ" (2 mod 4) and "ab" → "YWI" (3 mod 4) in canonical base64url.
    expect(() => assertCanonicalJwt(parseBearerToken("Bearer YQ.YWI.YWJj"))).not.toThrow();
  });

  it.each(["Bearer a.b.c d", "Bearer a b"])("refuses %j, which holds more than one token, as a malformed header", (value) => {
    expect(refusal(value).reason).toBe("malformed_header");
  });

  it("refuses a 100 KB header without scanning it", () => {
    expect(refusal(`Bearer ${"a".repeat(100 * 1024)}.b.c`).reason).toBe("malformed_header");
  });
});
