/**
 * The two authorizers as the handlers wire them, but with an in-memory JWKS and an injected Cognito client,
 * so each decision can be tested offline.
 */
import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { fromRestRequestEvent } from "../../lambda/adapters/rest-request";
import { createAuthorizer, type Authorizer } from "../../lambda/core/authorizer";
import { createDecisionLog } from "../../lambda/core/decision-log";
import { createMfaLookup, type MfaLookup } from "../../lambda/core/mfa-lookup";
import { createTokenVerifier } from "../../lambda/core/token-verifier";
import { inMemoryJwksCache, testConfig, type SigningKey } from "./tokens";

export interface OfflineOptions {
  readonly key: SigningKey;
  readonly env?: Record<string, string>;
}

export function offlineNoMfaAuthorizer({ key, env }: OfflineOptions): Authorizer {
  const config = testConfig(env);
  return createAuthorizer({
    adapt: fromRestRequestEvent,
    verifyToken: createTokenVerifier(config, inMemoryJwksCache([key.publicJwk])),
    log: createDecisionLog(config, "no-mfa"),
  });
}

export function offlineStrictAuthorizer({
  key,
  env,
  client,
  lookup,
}: OfflineOptions & { client?: CognitoIdentityProviderClient; lookup?: MfaLookup }): Authorizer {
  const config = testConfig(env);
  return createAuthorizer({
    adapt: fromRestRequestEvent,
    verifyToken: createTokenVerifier(config, inMemoryJwksCache([key.publicJwk])),
    mfa: { lookup: lookup ?? createMfaLookup(config, { client }), enforce: config.enforceMfa },
    log: createDecisionLog(config, "strict"),
  });
}
