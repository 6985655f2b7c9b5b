/**
 * What a user does against Cognito (or cognito-local): be created, sign in, enrol or remove TOTP.
 * The end-to-end tests read as these steps, and `npm start` seeds its demo users with them.
 */
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import { Secret, TOTP } from "otpauth";

export interface PoolRef {
  readonly client: CognitoIdentityProviderClient;
  readonly userPoolId: string;
}

/** Creates a confirmed user with a permanent password; returns the internal username (the sub, with email sign-in). */
export async function createUser(pool: PoolRef, email: string, password: string): Promise<string> {
  const { User } = await pool.client.send(
    new AdminCreateUserCommand({
      UserPoolId: pool.userPoolId,
      Username: email,
      MessageAction: "SUPPRESS",
      UserAttributes: [{ Name: "email", Value: email }, { Name: "email_verified", Value: "true" }],
    }),
  );
  await pool.client.send(
    new AdminSetUserPasswordCommand({ UserPoolId: pool.userPoolId, Username: email, Password: password, Permanent: true }),
  );
  return User!.Username!;
}

/** The current TOTP code for a base32 secret, as an authenticator app would show it. */
export function totpCode(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate();
}

/** Signs in with USER_PASSWORD_AUTH, answering the TOTP challenge when the user has enrolled. */
export async function signIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  email: string,
  password: string,
  totpSecret?: string,
): Promise<AuthenticationResultType> {
  const first = await client.send(
    new InitiateAuthCommand({
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  if (first.AuthenticationResult) return first.AuthenticationResult;
  if (first.ChallengeName !== "SOFTWARE_TOKEN_MFA" || totpSecret === undefined) {
    throw new Error(`sign-in for ${email} stopped at challenge ${first.ChallengeName}`);
  }
  const second = await client.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: "SOFTWARE_TOKEN_MFA",
      Session: first.Session,
      ChallengeResponses: { USERNAME: email, SOFTWARE_TOKEN_MFA_CODE: totpCode(totpSecret) },
    }),
  );
  return second.AuthenticationResult!;
}

/** Associates an authenticator, verifies a code and makes TOTP the preferred MFA; returns the secret. */
export async function enrolTotp(client: CognitoIdentityProviderClient, accessToken: string): Promise<string> {
  const { SecretCode } = await client.send(new AssociateSoftwareTokenCommand({ AccessToken: accessToken }));
  await client.send(
    new VerifySoftwareTokenCommand({ AccessToken: accessToken, UserCode: totpCode(SecretCode!), FriendlyDeviceName: "test" }),
  );
  // Real Cognito needs this as well; cognito-local already counts the user enrolled after the verification.
  await setTotpEnabled(client, accessToken, true);
  return SecretCode!;
}

/** Turns TOTP off for the user (what an MFA reset leaves behind). */
export function removeTotp(client: CognitoIdentityProviderClient, accessToken: string): Promise<unknown> {
  return setTotpEnabled(client, accessToken, false);
}

export function disableUser(pool: PoolRef, username: string): Promise<unknown> {
  return pool.client.send(new AdminDisableUserCommand({ UserPoolId: pool.userPoolId, Username: username }));
}

function setTotpEnabled(client: CognitoIdentityProviderClient, accessToken: string, enabled: boolean) {
  return client.send(
    new SetUserMFAPreferenceCommand({
      AccessToken: accessToken,
      SoftwareTokenMfaSettings: { Enabled: enabled, PreferredMfa: enabled },
    }),
  );
}
