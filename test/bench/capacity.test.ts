import { simulate } from "../../bench/capacity";

const base = { users: 20, requestsPerUserPerMinute: 30, containers: 1, minutes: 2 };

describe("the capacity simulation", () => {
  it("counts exactly one Cognito call per request with both caches off", async () => {
    const outcome = await simulate({ ...base, mfaCacheTtlSeconds: 0, resultCacheTtlSeconds: 0 });

    expect(outcome.requests).toBeGreaterThan(1000);
    expect(outcome.callsPerRequest).toBe(1);
    expect(outcome.worstCaseStalenessSeconds).toBe(0);
  });

  it("makes at most one call per user per MFA cache window in one container", async () => {
    const outcome = await simulate({ ...base, mfaCacheTtlSeconds: 60, resultCacheTtlSeconds: 0 });

    expect(outcome.cognitoCalls).toBeLessThanOrEqual(base.users * 2);
    expect(outcome.worstCaseStalenessSeconds).toBe(60);
  });

  it("pays one call per user per window of API Gateway's result cache, and adds both TTLs for staleness", async () => {
    const outcome = await simulate({ ...base, containers: 4, mfaCacheTtlSeconds: 30, resultCacheTtlSeconds: 60 });

    expect(outcome.cognitoCalls).toBeLessThanOrEqual(base.users * 2);
    expect(outcome.worstCaseStalenessSeconds).toBe(90);
  });
});
