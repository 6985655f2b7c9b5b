/**
 * `npm run bench -- --quick` runs and writes results of the documented shape. Timings are reported, never
 * asserted; only the counts that are facts (Cognito calls per request) are.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanEnv, run } from "../support/run";

describe("npm run bench -- --quick", () => {
  let dir: string;
  let results: Record<string, any>;
  let exit: number | null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "bench-"));
    const file = join(dir, "results.json");
    ({ code: exit } = await run("npm", ["run", "bench", "--", "--quick"], { env: cleanEnv({ BENCH_RESULTS_FILE: file }) }));
    results = JSON.parse(readFileSync(file, "utf8"));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 and records the machine and versions", () => {
    expect(exit).toBe(0);
    expect(results.quick).toBe(true);
    expect(results.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });
    expect(results.versions["aws-jwt-verify"]).toBe("5.2.1");
  });

  it("measures every warm path against the reference verifier", () => {
    const names = results.warm.map((w: { name: string }) => w.name);
    for (const expected of [
      "aws-jwt-verify CognitoJwtVerifier.verify (reference)",
      "no-mfa handler, first-seen token",
      "no-mfa handler, repeated token",
      "strict handler, MFA cache hit, first-seen token",
      "no-mfa handler, malformed token refused",
      "fast-jwt, no cache",
      "fast-jwt, its cache (repeated token)",
      "jose jwtVerify, local JWK set",
      "jsonwebtoken verify",
      "node crypto.verify (the floor)",
    ]) {
      expect(names).toContain(expected);
    }
    for (const w of results.warm) {
      expect(w.medianUs).toBeGreaterThan(0);
      expect(w.p99Us).toBeGreaterThanOrEqual(w.medianUs);
      expect(Number.isFinite(w.ratio)).toBe(true);
    }
    expect(results.warm[0].ratio).toBe(1);
  });

  it("counts exactly one Cognito call per strict request at TTL 0, and at most one per user per TTL window", () => {
    expect(results.cognito.ttl0.cognitoCallsPerRequest).toBe(1);
    expect(results.cognito.ttl60.cognitoCallsPerUser).toBeLessThanOrEqual(1);
  });

  it("records bundle sizes, cold starts, throughput and every target", () => {
    expect(results.coldStart.bundleBytes.strict).toBeGreaterThan(results.coldStart.bundleBytes["no-mfa"]);
    expect(Object.keys(results.coldStart.startup)).toHaveLength(4);
    expect(results.throughput.requestsPerSecond).toBeGreaterThan(0);
    expect(results.targets).toHaveLength(9);
    for (const t of results.targets) expect(typeof t.met).toBe("boolean");
  });
});
