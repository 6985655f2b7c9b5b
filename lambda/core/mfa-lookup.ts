import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  GetUserCommand,
  NotAuthorizedException,
  TooManyRequestsException,
  UserNotFoundException,
  type AttributeType,
} from "@aws-sdk/client-cognito-identity-provider";
import type { Config } from "./config";
import { AuthorizerError, DependencyError, UnauthorizedError } from "./errors";
import { ExpiringCache } from "./expiring-cache";
import type { AccessToken } from "./token-verifier";

/** What Cognito says about the caller right now. */
export interface MfaStatus {
  /** `SOFTWARE_TOKEN_MFA` is in the user's `UserMFASettingList`. */
  readonly enrolled: boolean;
  readonly email: string | undefined;
}

export type MfaLookup = (token: AccessToken, jwt: string) => Promise<MfaStatus>;

export type MfaLookupConfig = Pick<
  Config,
  "region" | "userPoolId" | "cognitoEndpoint" | "cognitoTimeoutMs" | "mfaCacheTtlSeconds" | "mfaLookup"
>;

export interface MfaLookupOptions {
  /** Injected in tests; by default a client for the pool's region (or the loopback emulator). */
  readonly client?: CognitoIdentityProviderClient;
  /** Milliseconds since the epoch. */
  readonly clock?: () => number;
}

/** `GetUser` needs this scope on the access token. */
export const USER_ADMIN_SCOPE = "aws.cognito.signin.user.admin";

/** Bounds the memory a positive cache can take in a warm container (an entry is about 200 bytes). */
const MAX_CACHED_USERS = 10_000;

/**
 * Asks Cognito whether the caller has TOTP enrolled. Unknown, re-created or disabled users are refused (401);
 * a Cognito failure or a late answer is a {@link DependencyError} (500). Only an enrolled, enabled user's answer
 * is ever cached, and only when `mfaCacheTtlSeconds` is above 0, so a reset bites on the next request by default.
 */
export function createMfaLookup(config: MfaLookupConfig, options: MfaLookupOptions = {}): MfaLookup {
  const client = options.client ?? createCognitoClient(config);
  const clock = options.clock ?? Date.now;
  const ttlMs = config.mfaCacheTtlSeconds * 1000;
  const enrolledUsers = new ExpiringCache<MfaStatus>(MAX_CACHED_USERS);

  const askCognito = async (token: AccessToken, jwt: string, signal: AbortSignal): Promise<MfaStatus> => {
    let attributes: AttributeType[] | undefined;
    let mfaSettings: string[] | undefined;
    if (config.mfaLookup === "token") {
      if (!token.scopes.includes(USER_ADMIN_SCOPE)) {
        throw new UnauthorizedError("invalid_claims", `token lacks the ${USER_ADMIN_SCOPE} scope that MFA_LOOKUP=token needs`);
      }
      // Cognito itself refuses a revoked token or a disabled user here.
      ({ UserAttributes: attributes, UserMFASettingList: mfaSettings } = await client.send(
        new GetUserCommand({ AccessToken: jwt }),
        { abortSignal: signal },
      ));
    } else {
      const user = await client.send(
        new AdminGetUserCommand({ UserPoolId: config.userPoolId, Username: token.username }),
        { abortSignal: signal },
      );
      if (user.Enabled !== true) throw new UnauthorizedError("user_disabled", "user is disabled");
      ({ UserAttributes: attributes, UserMFASettingList: mfaSettings } = user);
    }
    // A user deleted and re-created under the same name has a new sub: the old token is not theirs.
    if (attribute(attributes, "sub") !== token.sub) {
      throw new UnauthorizedError("user_not_found", "the pool's user with this username has another sub");
    }
    return {
      enrolled: mfaSettings?.includes("SOFTWARE_TOKEN_MFA") ?? false,
      email: attribute(attributes, "email"),
    };
  };

  return async (token, jwt) => {
    const cached = ttlMs > 0 ? enrolledUsers.get(token.sub, clock()) : undefined;
    if (cached !== undefined) return cached;
    const status = await withDeadline(config.cognitoTimeoutMs, (signal) => askCognito(token, jwt, signal)).catch(
      (error: unknown) => {
        throw asAuthorizerError(error);
      },
    );
    if (status.enrolled && ttlMs > 0) enrolledUsers.set(token.sub, status, clock() + ttlMs);
    return status;
  };
}

function createCognitoClient(config: MfaLookupConfig): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    region: config.region,
    endpoint: config.cognitoEndpoint,
    // Only the endpoint validated by the configuration may be used, never one from the environment or a profile.
    ignoreConfiguredEndpointUrls: true,
  });
}

function attribute(attributes: AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((a) => a.Name === name)?.Value;
}

/** Bounds the whole call, SDK retries included; the abort signal stops the request still in flight. */
async function withDeadline<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new DependencyError(`Cognito did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([call(abort.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function asAuthorizerError(error: unknown): AuthorizerError {
  if (error instanceof AuthorizerError) return error;
  if (error instanceof UserNotFoundException) return new UnauthorizedError("user_not_found", "the pool has no such user");
  if (error instanceof NotAuthorizedException) {
    // Only GetUser (MFA_LOOKUP=token) says this about the caller: a revoked token or a disabled user.
    return new UnauthorizedError("token_revoked", `Cognito refused the token: ${error.message}`);
  }
  if (error instanceof TooManyRequestsException) {
    return new DependencyError("Cognito throttled the MFA lookup", { cause: error, reason: "cognito_throttled" });
  }
  return new DependencyError("MFA lookup failed", { cause: error });
}
