/**
 * `npm run bench [-- --quick]`: what the authorizer costs per request, per Cognito call and per cold start,
 * next to the bare verifier and the usual alternatives, measured in one process so the ratios are fair.
 * Prints a table and writes bench/results.json. Not part of `npm test` (timings are not assertions).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createVerify, verify as cryptoVerify } from "node:crypto";
import { statSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { CognitoJwtVerifier } from "aws-jwt-verify";
import { createVerifier } from "fast-jwt";
import jsonwebtoken from "jsonwebtoken";
import { buildBundles, bundlePath, ROOT } from "../scripts/build";
import { authorizerEvent, startFixtures, type Fixtures } from "./fixtures";

const QUICK = process.argv.includes("--quick");
const ROUNDS = QUICK ? 1 : 5;
const TASK_TIME_MS = QUICK ? 60 : 400;
/** More distinct tokens than the verified-token cache holds, so a cycle through them never hits it. */
const FIRST_SEEN_TOKENS = QUICK ? 300 : 2500;
const FIRST_SEEN_CACHE = QUICK ? "100" : "1000";
const COLD_STARTS = QUICK ? 3 : 12;
const RESULTS_FILE = process.env.BENCH_RESULTS_FILE ?? join(ROOT, "bench", "results.json");

interface WarmResult {
  name: string;
  medianUs: number;
  p99Us: number;
  ratio: number;
}

async function main(): Promise<void> {
  await buildBundles();
  const fx = await startFixtures();
  try {
    const warm = await warmCosts(fx);
    const cognito = await cognitoCalls(fx);
    const throughput = await noMfaThroughput(fx);
    const coldStart = await coldStarts(fx, fx.token(await fx.newUser()));
    report({ warm, cognito, throughput, coldStart });
  } finally {
    await fx.close();
  }
}

/** Runs `fn` with stdout swallowed: the log lines are formatted (that cost counts) but not written. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

const cycle = <T>(items: readonly T[]) => {
  let i = 0;
  return () => items[i++ % items.length];
};

async function warmCosts(fx: Fixtures): Promise<WarmResult[]> {
  // Both are ES modules only.
  const { createLocalJWKSet, jwtVerify } = await import("jose");
  const { Bench } = await import("tinybench");
  // Enrolled: only a positive MFA answer is ever cached.
  const sub = await fx.newUser({ enrolled: true });
  const tokens = Array.from({ length: FIRST_SEEN_TOKENS }, () => fx.token(sub));
  const events = tokens.map((token) => authorizerEvent(`Bearer ${token}`));
  const repeated = events[0];
  const malformed = authorizerEvent("Bearer not-a-jwt");

  const noMfa = fx.load("no-mfa", { TOKEN_CACHE_SIZE: FIRST_SEEN_CACHE });
  const noMfaRepeated = fx.load("no-mfa");
  const strictCached = fx.load("strict", { MFA_CACHE_TTL_SECONDS: "3600", TOKEN_CACHE_SIZE: FIRST_SEEN_CACHE });
  const bare = CognitoJwtVerifier.create({ userPoolId: fx.local.userPoolId, tokenUse: "access", clientId: fx.clientId });
  bare.cacheJwks(fx.jwks as never);
  const pem = fx.publicKey.export({ format: "pem", type: "spki" }).toString();
  const fastJwt = createVerifier({ key: pem, algorithms: ["RS256"], cache: false });
  const fastJwtCached = createVerifier({ key: pem, algorithms: ["RS256"], cache: true });
  const joseKeys = createLocalJWKSet(fx.jwks as never);
  const [h, p, s] = tokens[0].split(".");
  const signingInput = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, "base64url");

  // Warm every path once (JWKS fetched, MFA cached for the user, JIT warmed).
  await quietly(async () => {
    for (const handler of [noMfa, noMfaRepeated, strictCached]) await handler(repeated);
    await noMfa(malformed).catch(() => undefined);
  });

  const nextToken = cycle(tokens);
  const nextEvent = () => cycle(events);
  const tasks: Array<[string, () => unknown]> = [
    ["aws-jwt-verify CognitoJwtVerifier.verify (reference)", () => bare.verify(nextToken())],
    ["no-mfa handler, first-seen token", ((next) => () => noMfa(next()))(nextEvent())],
    ["no-mfa handler, repeated token", () => noMfaRepeated(repeated)],
    ["strict handler, MFA cache hit, first-seen token", ((next) => () => strictCached(next()))(nextEvent())],
    ["no-mfa handler, malformed token refused", () => noMfa(malformed).catch(() => undefined)],
    ["fast-jwt, no cache", () => fastJwt(nextToken())],
    ["fast-jwt, its cache (repeated token)", () => fastJwtCached(tokens[0])],
    ["jose jwtVerify, local JWK set", () => jwtVerify(nextToken(), joseKeys)],
    ["jsonwebtoken verify", () => jsonwebtoken.verify(nextToken(), pem, { algorithms: ["RS256"] })],
    ["node crypto.verify (the floor)", () => cryptoVerify("RSA-SHA256", signingInput, fx.publicKey, signature)],
    ["node createVerify (aws-jwt-verify's call)", () => createVerify("RSA-SHA256").update(signingInput).verify(fx.publicKey, signature)],
  ];

  // Several rounds, the median of each task's medians: one run on 2 shared cores is noisy.
  const rounds: Record<string, { median: number[]; p99: number[] }> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TASK_TIME_MS, warmupTime: TASK_TIME_MS / 4 });
    // tinybench calls each task once when it is added (to tell sync from async): that counts as quiet too.
    await quietly(async () => {
      for (const [name, fn] of tasks) bench.add(name, fn as () => Promise<void>);
      await bench.run();
    });
    for (const task of bench.tasks) {
      const result = task.result;
      if (!("latency" in result)) throw new Error(`${task.name} did not complete`);
      const latency = result.latency;
      (rounds[task.name] ??= { median: [], p99: [] }).median.push(latency.p50 * 1000);
      rounds[task.name].p99.push(latency.p99 * 1000);
    }
  }
  const reference = median(rounds[tasks[0][0]].median);
  return tasks.map(([name]) => {
    const medianUs = median(rounds[name].median);
    return { name, medianUs, p99Us: median(rounds[name].p99), ratio: medianUs / reference };
  });
}

/** Strict against the emulator over loopback HTTP: per-request time and Cognito calls. */
async function cognitoCalls(fx: Fixtures) {
  const requests = QUICK ? 20 : 200;
  const sub = await fx.newUser();
  const strict = fx.load("strict");
  const event = authorizerEvent(`Bearer ${fx.token(sub)}`);
  await quietly(() => strict(event));
  const before = fx.cognitoCalls();
  const times: number[] = [];
  await quietly(async () => {
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      await strict(event);
      times.push((performance.now() - started) * 1000);
    }
  });
  const ttl0CallsPerRequest = (fx.cognitoCalls() - before) / requests;

  const users = 5;
  const perUser = QUICK ? 5 : 20;
  const cached = fx.load("strict", { MFA_CACHE_TTL_SECONDS: "60" });
  const subs = await Promise.all(Array.from({ length: users }, () => fx.newUser({ enrolled: true })));
  const beforeTtl = fx.cognitoCalls();
  await quietly(async () => {
    for (let i = 0; i < perUser; i++) for (const user of subs) await cached(authorizerEvent(`Bearer ${fx.token(user)}`));
  });
  return {
    ttl0: { requests, medianUs: median(times), p99Us: percentile(times, 0.99), cognitoCallsPerRequest: ttl0CallsPerRequest },
    ttl60: { users, requestsPerUser: perUser, cognitoCallsPerUser: (fx.cognitoCalls() - beforeTtl) / users },
  };
}

/** One core, a realistic mix: mostly repeated valid tokens, some first-seen, some garbage. */
async function noMfaThroughput(fx: Fixtures) {
  const durationMs = QUICK ? 300 : 3000;
  const sub = await fx.newUser();
  const handler = fx.load("no-mfa");
  const repeated = Array.from({ length: 50 }, () => authorizerEvent(`Bearer ${fx.token(sub)}`));
  const fresh = Array.from({ length: QUICK ? 100 : 1500 }, () => authorizerEvent(`Bearer ${fx.token(sub)}`));
  const invalid = [
    authorizerEvent("Bearer not-a-jwt"),
    authorizerEvent("Basic dXNlcjpwYXNz"),
    authorizerEvent(`Bearer ${fx.token(sub).slice(0, -4)}AAAA`),
  ];
  const mix = { repeated: 0.7, firstSeen: 0.15, invalid: 0.15 };
  const [nextRepeated, nextFresh, nextInvalid] = [cycle(repeated), cycle(fresh), cycle(invalid)];
  await quietly(async () => {
    for (const event of repeated) await handler(event);
  });
  let done = 0;
  const started = performance.now();
  await quietly(async () => {
    while (performance.now() - started < durationMs) {
      const pick = done % 20;
      const event = pick < 14 ? nextRepeated() : pick < 17 ? nextFresh() : nextInvalid();
      await handler(event).catch(() => undefined);
      done++;
    }
  });
  return { mix, durationMs, requests: done, requestsPerSecond: done / ((performance.now() - started) / 1000) };
}

/** Fresh `node` processes: require the bundle and answer one request (JWKS over loopback HTTP). */
async function coldStarts(fx: Fixtures, token: string) {
  const event = JSON.stringify(authorizerEvent(`Bearer ${token}`));
  const env = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    USER_POOL_ID: fx.local.userPoolId,
    USER_POOL_CLIENT_IDS: fx.clientId,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: fx.endpoint,
    POWERTOOLS_LOG_LEVEL: "SILENT",
  };
  const answer = (code: string) => `${code};process.stdout.write(String(performance.now()))`;
  const scripts = {
    "node -e '' (bare node)": "process.stdout.write(String(performance.now()))",
    "aws-jwt-verify: require + verify one token": `
      const { CognitoJwtVerifier } = require("aws-jwt-verify");
      const { SimpleJwksCache } = require("aws-jwt-verify/jwk");
      const http = require("node:http");
      const fetcher = { fetch: (uri) => new Promise((resolve, reject) => http.get(uri.replace(/^https:\\/\\/[^/]+/, ${JSON.stringify(fx.endpoint)}), (r) => {
        const chunks = []; r.on("data", (c) => chunks.push(c)); r.on("end", () => { const b = Buffer.concat(chunks); resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)); });
      }).on("error", reject)) };
      const verifier = CognitoJwtVerifier.create({ userPoolId: ${JSON.stringify(fx.local.userPoolId)}, tokenUse: "access", clientId: ${JSON.stringify(fx.clientId)} }, { jwksCache: new SimpleJwksCache({ fetcher }) });
      verifier.verify(${JSON.stringify(token)}).then(() => { ${answer("")} });`,
    "no-mfa bundle: require + first answer": `require(${JSON.stringify(bundlePath("no-mfa"))}).handler(${event}).then(() => { ${answer("")} });`,
    "strict bundle: require + first answer": `require(${JSON.stringify(bundlePath("strict"))}).handler(${event}).catch(() => {}).then(() => { ${answer("")} });`,
  };
  const startup: Record<string, { medianMs: number; runs: number[] }> = {};
  for (const [name, script] of Object.entries(scripts)) {
    // One at a time, asynchronously: the emulator's proxy lives in this process and must keep serving.
    const runs: number[] = [];
    for (let i = 0; i < COLD_STARTS; i++) {
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: ROOT, env });
      runs.push(Number(stdout));
    }
    startup[name] = { medianMs: median(runs), runs };
  }
  const size = (name: "strict" | "no-mfa") => statSync(bundlePath(name)).size;
  return { bundleBytes: { strict: size("strict"), "no-mfa": size("no-mfa") }, startup };
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

type Results = {
  warm: WarmResult[];
  cognito: Awaited<ReturnType<typeof cognitoCalls>>;
  throughput: Awaited<ReturnType<typeof noMfaThroughput>>;
  coldStart: Awaited<ReturnType<typeof coldStarts>>;
};

function report(results: Results): void {
  const warm = (name: string) => results.warm.find((w) => w.name.startsWith(name))!;
  const start = results.coldStart.startup;
  const bare = start["node -e '' (bare node)"].medianMs;
  const coldRatio =
    (start["no-mfa bundle: require + first answer"].medianMs - bare) / (start["aws-jwt-verify: require + verify one token"].medianMs - bare);
  const targets = [
    { target: "no-mfa first-seen ≤ 1.15× reference", value: warm("no-mfa handler, first-seen").ratio, limit: 1.15 },
    { target: "no-mfa repeated ≤ 0.1× reference", value: warm("no-mfa handler, repeated").ratio, limit: 0.1 },
    { target: "strict MFA-cache hit, first-seen ≤ 1.3× reference", value: warm("strict handler").ratio, limit: 1.3 },
    { target: "malformed refused ≤ 0.15× a valid verification (reference)", value: warm("no-mfa handler, malformed").ratio, limit: 0.15 },
    { target: "no-mfa bundle ≤ 50 KB", value: results.coldStart.bundleBytes["no-mfa"] / 1024, limit: 50 },
    { target: "strict bundle ≤ 400 KB", value: results.coldStart.bundleBytes.strict / 1024, limit: 400 },
    { target: "no-mfa cold start ≤ 2× aws-jwt-verify's (above bare node)", value: coldRatio, limit: 2 },
    { target: "strict TTL 0: exactly 1 Cognito call per request", value: results.cognito.ttl0.cognitoCallsPerRequest, limit: 1, exact: true },
    { target: "strict TTL 60: ≤ 1 Cognito call per user per window", value: results.cognito.ttl60.cognitoCallsPerUser, limit: 1 },
  ].map((t) => ({ ...t, met: t.exact ? t.value === t.limit : t.value <= t.limit }));

  const out = {
    quick: QUICK,
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform },
    versions: Object.fromEntries(
      ["aws-jwt-verify", "@aws-sdk/client-cognito-identity-provider", "@aws-lambda-powertools/logger", "fast-jwt", "jose", "jsonwebtoken", "esbuild", "tinybench"].map(
        (name) => [name, (require(join(ROOT, "node_modules", name, "package.json")) as { version: string }).version],
      ),
    ),
    ...results,
    targets,
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(out, null, 2)}\n`);

  const pad = (value: string, width: number) => value.padEnd(width);
  console.log(`\nWarm per-request cost (${out.machine.cpus} × ${out.machine.cpu}, Node ${out.machine.node}; median of ${ROUNDS} round(s))`);
  console.log(`${pad("", 56)} ${pad("median µs", 10)} ${pad("p99 µs", 10)} ratio`);
  for (const w of results.warm) console.log(`${pad(w.name, 56)} ${pad(w.medianUs.toFixed(1), 10)} ${pad(w.p99Us.toFixed(1), 10)} ${w.ratio.toFixed(2)}×`);
  console.log(`\nStrict against cognito-local (loopback HTTP)`);
  console.log(`  TTL 0: median ${(results.cognito.ttl0.medianUs / 1000).toFixed(2)} ms, p99 ${(results.cognito.ttl0.p99Us / 1000).toFixed(2)} ms, ${results.cognito.ttl0.cognitoCallsPerRequest} Cognito call(s) per request`);
  console.log(`  TTL 60: ${results.cognito.ttl60.cognitoCallsPerUser} call(s) per user for ${results.cognito.ttl60.requestsPerUser} requests each`);
  console.log(`\nNo-mfa throughput on one core (70% repeated, 15% first-seen, 15% invalid): ${Math.round(results.throughput.requestsPerSecond)} requests/s`);
  console.log(`\nCold start (median of ${COLD_STARTS} fresh processes, ms since process start)`);
  for (const [name, s] of Object.entries(start)) console.log(`  ${pad(name, 46)} ${s.medianMs.toFixed(1)}`);
  console.log(`  bundles: strict ${(results.coldStart.bundleBytes.strict / 1024).toFixed(1)} KB, no-mfa ${(results.coldStart.bundleBytes["no-mfa"] / 1024).toFixed(1)} KB`);
  console.log(`\nTargets`);
  for (const t of targets) console.log(`  ${t.met ? "met " : "MISS"} ${pad(t.target, 62)} ${t.value.toFixed(3)}`);
  console.log(`\nWritten to ${RESULTS_FILE}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
