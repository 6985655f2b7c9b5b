/**
 * `npm start` as a newcomer uses it: the printed URL, tokens from `npm run token`, and the curl lines'
 * answers (401, 403, 200) with the stack's bodies and headers; Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../scripts/build";
import type { Demo } from "../../local/demo";
import { cleanEnv, run } from "../support/run";

let child: ChildProcess;
let dir: string;
let apiUrl: string;
let demo: Demo;
let output = "";
const tokens: Record<string, string> = {};

const token = async (email: string) => {
  const { code, stdout } = await run("npm", ["run", "--silent", "token", "--", email], { env: cleanEnv({ LOCAL_DIR: dir }) });
  expect(code).toBe(0);
  return stdout.trim();
};
const get = (path: string, accessToken?: string) =>
  fetch(`${apiUrl}${path}`, { headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {} });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "npm-start-"));
  // Its own process group, so that a "Ctrl-C" reaches every process in it, as in a terminal.
  child = spawn("npm", ["start"], {
    cwd: ROOT,
    env: cleanEnv({ PORT: "0", LOCAL_DIR: dir }),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  apiUrl = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const ready = /Local API ready at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (ready) resolve(ready[1]);
    });
    child.once("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  demo = JSON.parse(readFileSync(join(dir, "demo.json"), "utf8")) as Demo;
  [tokens.enrolled, tokens.fresh] = await Promise.all([token("enrolled@example.com"), token("new@example.com")]);
}, 60_000);

/** True once no process of the group is left (within 10 s). */
async function waitForGroupToExit(groupId: number): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    try {
      process.kill(-groupId, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

const ctrlC = (signal: NodeJS.Signals = "SIGINT") => process.kill(-child.pid!, signal);

afterAll(() => {
  try {
    ctrlC("SIGKILL"); // whatever a failed test left running
  } catch {
    // the group is already gone
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("prints the URL, the users, how to get a token and curl lines", () => {
    expect(output).toContain(`curl -i ${apiUrl}/api/projects`);
    expect(output).toContain("npm run --silent token -- enrolled@example.com");
    expect(output).toMatch(/new@example\.com\s+no TOTP yet/);
    expect(demo.apiUrl).toBe(apiUrl);
  });

  it("answers 401 with WWW-Authenticate: Bearer and a JSON body when there is no token", async () => {
    const response = await get("/api/projects");

    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(await response.json()).toEqual({ message: "Unauthorized" });
  });

  it("answers 200 with the caller's identity for the enrolled user", async () => {
    const response = await get("/api/projects", tokens.enrolled);

    expect(response.status).toBe(200);
    const body = (await response.json()) as { sub: string; username: string };
    expect(body.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.username).toBe(body.sub);
  });

  it("answers 403 'MFA enrolment required' for the user without TOTP, who still reaches the MFA status route", async () => {
    const strict = await get("/api/projects", tokens.fresh);
    const status = await get("/api/users/me/mfa/status", tokens.fresh);

    expect([strict.status, await strict.json()]).toEqual([403, { message: "MFA enrolment required" }]);
    expect(strict.headers.get("access-control-allow-origin")).toBe("*");
    expect([status.status, await status.json()]).toEqual([200, { enabled: false, required: true }]);
    expect(await (await get("/api/users/me/mfa/status", tokens.enrolled)).json()).toEqual({ enabled: true, required: true });
  });

  it("answers 401 for two Authorization headers", async () => {
    // fetch would fold them into one; a raw request sends them as a client may.
    const url = new URL(apiUrl);
    const statusLine = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write(
          `GET /api/projects HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${tokens.enrolled}\r\n` +
            `Authorization: Bearer ${tokens.enrolled}\r\nConnection: close\r\n\r\n`,
        ),
      );
      socket.once("data", (chunk) => resolve(chunk.toString("utf8").split("\r\n")[0]));
      socket.on("error", reject);
    });

    expect(statusLine).toBe("HTTP/1.1 401 Unauthorized");
  });

  it("stops the API and the emulator on Ctrl-C", async () => {
    ctrlC();

    // npm itself dies of the signal; what matters is that everything it started is gone.
    await expect(waitForGroupToExit(child.pid!)).resolves.toBe(true);
    await expect(fetch(`${apiUrl}/api/projects`)).rejects.toThrow();
    await expect(fetch(`${demo.cognitoUrl}/`)).rejects.toThrow();
  });
});
