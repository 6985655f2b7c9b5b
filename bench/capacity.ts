/**
 * `npm run capacity`: how many Cognito calls strict makes per request under a realistic mix, and how stale an
 * answer can be after an admin reset, for each MFA cache TTL and API Gateway result cache TTL. The MFA side is
 * the product's own `createMfaLookup` (with a simulated clock and a counting client), one per warm container;
 * API Gateway's result cache is modelled per token. Writes bench/capacity.json and prints a table.
 */
import type { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createMfaLookup } from "../lambda/core/mfa-lookup";
import type { AccessToken } from "../lambda/core/token-verifier";
import { ROOT } from "../scripts/build";

export interface Scenario {
  readonly users: number;
  /** Requests per user per minute, Poisson-distributed. */
  readonly requestsPerUserPerMinute: number;
  readonly mfaCacheTtlSeconds: number;
  readonly resultCacheTtlSeconds: number;
  /** Warm strict containers sharing the load at random. */
  readonly containers: number;
  readonly minutes: number;
}

export interface Outcome extends Scenario {
  readonly requests: number;
  readonly cognitoCalls: number;
  readonly callsPerRequest: number;
  /** At the scenario's total request rate. */
  readonly cognitoCallsPerSecond: number;
  /** The longest a reset can go unnoticed: API Gateway's TTL plus the function's. */
  readonly worstCaseStalenessSeconds: number;
}

/** A deterministic pseudo-random generator, so a scenario always gives the same counts. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

export async function simulate(scenario: Scenario, seed = 1): Promise<Outcome> {
  const next = random(seed);
  let now = 0;
  let cognitoCalls = 0;
  // Every user has TOTP: only positive answers are ever cached, so this is the cache's best case.
  const client = {
    send: async (command: { input: { Username?: string } }) => {
      cognitoCalls++;
      const sub = command.input.Username;
      return { Enabled: true, UserAttributes: [{ Name: "sub", Value: sub }], UserMFASettingList: ["SOFTWARE_TOKEN_MFA"] };
    },
  } as unknown as CognitoIdentityProviderClient;
  const config = {
    region: "eu-west-2",
    userPoolId: "eu-west-2_Capacity1",
    cognitoEndpoint: undefined,
    cognitoTimeoutMs: 3000,
    mfaCacheTtlSeconds: scenario.mfaCacheTtlSeconds,
    mfaLookup: "admin" as const,
  };
  const containers = Array.from({ length: scenario.containers }, () => createMfaLookup(config, { client, clock: () => now }));
  const resultCache = new Map<string, number>();

  // Each user's requests arrive as a Poisson process; all arrivals, in time order.
  const ratePerMs = scenario.requestsPerUserPerMinute / 60_000;
  const horizon = scenario.minutes * 60_000;
  const arrivals: Array<[number, number]> = [];
  for (let user = 0; user < scenario.users; user++) {
    for (let t = -Math.log(1 - next()) / ratePerMs; t < horizon; t += -Math.log(1 - next()) / ratePerMs) arrivals.push([t, user]);
  }
  arrivals.sort((a, b) => a[0] - b[0]);

  for (const [time, user] of arrivals) {
    now = time;
    const sub = `00000000-0000-4000-8000-${String(user).padStart(12, "0")}`;
    if ((resultCache.get(sub) ?? -1) > now) continue; // API Gateway answers from its cache: no invocation
    const token: AccessToken = { sub, username: sub, clientId: "c", scopes: [], expiresAt: 0, notBefore: undefined };
    await containers[Math.floor(next() * containers.length)](token, "jwt");
    if (scenario.resultCacheTtlSeconds > 0) resultCache.set(sub, now + scenario.resultCacheTtlSeconds * 1000);
  }
  const requests = arrivals.length;
  return {
    ...scenario,
    requests,
    cognitoCalls,
    callsPerRequest: cognitoCalls / requests,
    cognitoCallsPerSecond: cognitoCalls / (horizon / 1000),
    worstCaseStalenessSeconds: scenario.resultCacheTtlSeconds + scenario.mfaCacheTtlSeconds,
  };
}

async function main(): Promise<void> {
  const outcomes: Outcome[] = [];
  for (const [users, rate] of [
    [1000, 2],
    [10_000, 2],
  ]) {
    for (const resultCacheTtlSeconds of [0, 60, 300]) {
      for (const mfaCacheTtlSeconds of [0, 60, 300]) {
        outcomes.push(await simulate({ users, requestsPerUserPerMinute: rate, mfaCacheTtlSeconds, resultCacheTtlSeconds, containers: 10, minutes: 10 }));
      }
    }
  }
  writeFileSync(join(ROOT, "bench", "capacity.json"), `${JSON.stringify(outcomes, null, 2)}\n`);
  console.log("users  req/user/min  result TTL  MFA TTL  requests  Cognito calls  calls/request  calls/s  worst-case staleness");
  for (const o of outcomes) {
    console.log(
      [o.users, o.requestsPerUserPerMinute, `${o.resultCacheTtlSeconds} s`, `${o.mfaCacheTtlSeconds} s`, o.requests, o.cognitoCalls, o.callsPerRequest.toFixed(3), o.cognitoCallsPerSecond.toFixed(1), `${o.worstCaseStalenessSeconds} s`]
        .map(String)
        .join("\t"),
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
