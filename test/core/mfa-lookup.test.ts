import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  InternalErrorException,
  NotAuthorizedException,
  TooManyRequestsException,
  UserNotFoundException,
  type AdminGetUserCommandOutput,
} from "@aws-sdk/client-cognito-identity-provider";
import { mockClient } from "aws-sdk-client-mock";
import { randomUUID } from "node:crypto";
import { DependencyError, UnauthorizedError } from "../../lambda/core/errors";
import { createMfaLookup } from "../../lambda/core/mfa-lookup";
import type { AccessToken } from "../../lambda/core/token-verifier";
import { POOL_ID, testConfig } from "../support/tokens";

const cognito = mockClient(CognitoIdentityProviderClient);
const client = new CognitoIdentityProviderClient({ region: "eu-west-2" });

function tokenFor(sub = randomUUID(), scopes = ["aws.cognito.signin.user.admin"]): AccessToken {
  return { sub, username: sub, clientId: "c", scopes, expiresAt: 0, notBefore: undefined };
}

function user(token: AccessToken, fields: Partial<AdminGetUserCommandOutput> = {}): Partial<AdminGetUserCommandOutput> {
  return {
    Username: token.username,
    Enabled: true,
    UserAttributes: [
      { Name: "sub", Value: token.sub },
      { Name: "email", Value: "ada@example.com" },
    ],
    UserMFASettingList: ["SOFTWARE_TOKEN_MFA"],
    ...fields,
  };
}

const lookupWith = (env: Record<string, string> = {}, clock?: () => number) =>
  createMfaLookup(testConfig(env), { client, ...(clock && { clock }) });

beforeEach(() => cognito.reset());
afterEach(() => jest.restoreAllMocks());

describe("createMfaLookup (MFA_LOOKUP=admin)", () => {
  it("asks AdminGetUser for the token's username in the configured pool", async () => {
    const token = tokenFor();
    cognito.on(AdminGetUserCommand).resolves(user(token));

    await expect(lookupWith()(token, "jwt")).resolves.toEqual({ enrolled: true, email: "ada@example.com" });
    expect(cognito.commandCalls(AdminGetUserCommand)[0].args[0].input).toEqual({ UserPoolId: POOL_ID, Username: token.username });
  });

  it.each([
    ["no list at all (never enrolled)", undefined],
    ["an empty list (TOTP removed)", []],
    ["SMS only", ["SMS_MFA"]],
  ])("reports not enrolled for %s", async (_, list) => {
    const token = tokenFor();
    cognito.on(AdminGetUserCommand).resolves(user(token, { UserMFASettingList: list }));

    await expect(lookupWith()(token, "jwt")).resolves.toMatchObject({ enrolled: false });
  });

  it.each<[string, (token: AccessToken) => void, string]>([
    ["an unknown user", () => cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: "no", $metadata: {} })), "user_not_found"],
    ["a disabled user", (token) => cognito.on(AdminGetUserCommand).resolves(user(token, { Enabled: false })), "user_disabled"],
    [
      "a user re-created under the same name",
      (token) => cognito.on(AdminGetUserCommand).resolves(user(token, { UserAttributes: [{ Name: "sub", Value: randomUUID() }] })),
      "user_not_found",
    ],
    ["a user without a sub", (token) => cognito.on(AdminGetUserCommand).resolves(user(token, { UserAttributes: [] })), "user_not_found"],
  ])("refuses %s with a 401", async (_, arrange, reason) => {
    const token = tokenFor();
    arrange(token);

    const error = await lookupWith()(token, "jwt").catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).reason).toBe(reason);
  });

  it.each([
    ["throttling", new TooManyRequestsException({ message: "slow down", $metadata: {} }), /throttled/],
    ["an internal error", new InternalErrorException({ message: "boom", $metadata: {} }), /MFA lookup failed/],
    ["a network error", Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), /MFA lookup failed/],
  ])("fails closed on %s, keeping the cause", async (_, failure, message) => {
    cognito.on(AdminGetUserCommand).rejects(failure);

    const error = await lookupWith()(tokenFor(), "jwt").catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(DependencyError);
    expect((error as DependencyError).message).toMatch(message);
    expect((error as DependencyError).cause).toBe(failure);
  });

  it("fails closed within COGNITO_TIMEOUT_MS when Cognito hangs, aborting the call", async () => {
    let signal: { aborted: boolean } | undefined;
    (jest.spyOn(client, "send") as jest.SpyInstance).mockImplementationOnce(
      (_command: unknown, options?: { abortSignal?: { aborted: boolean } }) => {
        signal = options?.abortSignal;
        return new Promise(() => undefined);
      },
    );

    await expect(lookupWith({ COGNITO_TIMEOUT_MS: "50" })(tokenFor(), "jwt")).rejects.toThrow(
      new DependencyError("Cognito did not answer within 50 ms"),
    );
    expect(signal?.aborted).toBe(true);
  });

  it("asks Cognito on every request by default, so a reset bites at once", async () => {
    const token = tokenFor();
    cognito.on(AdminGetUserCommand).resolvesOnce(user(token)).resolves(user(token, { UserMFASettingList: [] }));
    const lookup = lookupWith();

    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: true });
    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: false });
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  it("reuses a positive answer for MFA_CACHE_TTL_SECONDS and no longer", async () => {
    let now = 1_000_000;
    const token = tokenFor();
    cognito.on(AdminGetUserCommand).resolvesOnce(user(token)).resolves(user(token, { UserMFASettingList: [] }));
    const lookup = lookupWith({ MFA_CACHE_TTL_SECONDS: "60" }, () => now);

    await lookup(token, "jwt");
    now += 59_999;
    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: true });
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(1);
    now += 1;
    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: false });
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(2);
  });

  it("never caches a negative answer, even with a TTL", async () => {
    const token = tokenFor();
    cognito.on(AdminGetUserCommand).resolvesOnce(user(token, { UserMFASettingList: [] })).resolves(user(token));
    const lookup = lookupWith({ MFA_CACHE_TTL_SECONDS: "300" });

    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: false });
    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: true });
  });

  it("never caches a refusal, even with a TTL", async () => {
    const token = tokenFor();
    cognito.on(AdminGetUserCommand).resolvesOnce(user(token, { Enabled: false })).resolves(user(token));
    const lookup = lookupWith({ MFA_CACHE_TTL_SECONDS: "300" });

    await expect(lookup(token, "jwt")).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(lookup(token, "jwt")).resolves.toMatchObject({ enrolled: true });
  });

  it("keeps each user's cached answer to that user", async () => {
    const enrolled = tokenFor();
    const other = tokenFor();
    cognito.on(AdminGetUserCommand, { Username: enrolled.username }).resolves(user(enrolled));
    cognito.on(AdminGetUserCommand, { Username: other.username }).resolves(user(other, { UserMFASettingList: [] }));
    const lookup = lookupWith({ MFA_CACHE_TTL_SECONDS: "300" });

    await lookup(enrolled, "jwt");

    await expect(lookup(other, "jwt")).resolves.toMatchObject({ enrolled: false });
  });
});

describe("createMfaLookup (MFA_LOOKUP=token)", () => {
  it("asks GetUser with the caller's own access token", async () => {
    const token = tokenFor();
    cognito.on(GetUserCommand).resolves(user(token));

    await expect(lookupWith({ MFA_LOOKUP: "token" })(token, "the.access.token")).resolves.toEqual({
      enrolled: true,
      email: "ada@example.com",
    });
    expect(cognito.commandCalls(GetUserCommand)[0].args[0].input).toEqual({ AccessToken: "the.access.token" });
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it("refuses a token Cognito has revoked", async () => {
    cognito.on(GetUserCommand).rejects(new NotAuthorizedException({ message: "Access Token has been revoked", $metadata: {} }));

    const error = await lookupWith({ MFA_LOOKUP: "token" })(tokenFor(), "jwt").catch((thrown: unknown) => thrown);

    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as UnauthorizedError).reason).toBe("token_revoked");
  });

  it("refuses a token without the aws.cognito.signin.user.admin scope before calling Cognito", async () => {
    const error = await lookupWith({ MFA_LOOKUP: "token" })(tokenFor(randomUUID(), ["openid"]), "jwt").catch(
      (thrown: unknown) => thrown,
    );

    expect((error as UnauthorizedError).reason).toBe("invalid_claims");
    expect((error as UnauthorizedError).detail).toMatch(/aws.cognito.signin.user.admin/);
    expect(cognito.calls()).toHaveLength(0);
  });
});
