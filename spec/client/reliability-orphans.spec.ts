// No orphans: however the SDK or its host process ends, no runtime process is left behind.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { TransportClosedError } from "../../lib/index.js";
import { createOfflineEnvironment } from "../../lib/testing/index.js";
import { goneWithin, isGone, rejectionOf, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";

const HOST = fileURLToPath(new URL("../fixtures/host-process.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Only to turn a leak into a failure; the runtime is measured gone ~30 ms after its host. */
const GONE_MS = 3000;

/** Starts host-process.ts in `mode` on a fresh offline environment; resolves once its runtime runs a turn the model hangs. */
async function startHost(t: TestContext, mode: string) {
  const env = await createOfflineEnvironment({ model: { replies: [{ type: "hang" }] } });
  const host = spawn(process.execPath, ["--import", "tsx", HOST, mode, env.codexHome, env.workdir], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  const exited = once(host, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = "";
  host.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  t.after(async () => {
    if (host.exitCode === null && host.signalCode === null) host.kill("SIGKILL");
    await exited;
    await env.close();
  });
  const modelCalled = env.model.nextResponseRequest();
  const [line] = (await within(once(createInterface({ input: host.stdout }), "line"), "the host's runtime pid")) as [string];
  await within(modelCalled, "the hanging turn");
  const { pid } = JSON.parse(line) as { pid: number };
  assert.ok(!isGone(pid), "the runtime runs");
  return { host, pid, exited, stderr: () => stderr };
}

for (const signal of ["SIGTERM", "SIGINT", "SIGKILL"] as const) {
  test(`when the host process gets ${signal} mid-turn, its runtime exits too`, async (t) => {
    const { host, pid, exited } = await startHost(t, "wait");
    const killedAt = performance.now();
    host.kill(signal);
    assert.deepEqual(await exited, [null, signal]);
    // The runtime's stdin closes with its host and it exits on EOF, even in the middle of a turn.
    const goneMs = await goneWithin(pid, GONE_MS, killedAt);
    t.diagnostic(`runtime gone ${goneMs.toFixed(0)} ms after the host got ${signal}`);
  });
}

for (const [mode, what] of [
  ["throw", "an uncaught exception"],
  ["reject", "an unhandled promise rejection"],
] as const) {
  test(`when user code ends the host with ${what}, its runtime exits too`, async (t) => {
    const { host, pid, exited, stderr } = await startHost(t, mode);
    host.stdin.write("now\n");
    assert.deepEqual(await exited, [1, null]);
    const endedAt = performance.now();
    assert.match(stderr(), mode === "throw" ? /a bug in user code/ : /a promise nobody awaited/);
    const goneMs = await goneWithin(pid, GONE_MS, endedAt);
    t.diagnostic(`runtime gone ${goneMs.toFixed(0)} ms after the host exited`);
  });
}

test("a host that awaits close() on SIGTERM exits only once its runtime is gone", async (t) => {
  const { host, pid, exited } = await startHost(t, "graceful");
  host.kill("SIGTERM");
  assert.deepEqual(await exited, [0, null]);
  assert.ok(isGone(pid), "close() waited for the runtime to exit");
});

test("close() fails the open turn and pending requests with TransportClosedError and leaves no process", async (t) => {
  const { codex, received } = standInCodex(t, { script: { "account/read": ["hold"] } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("work");
  const iteration = rejectionOf(turn.run());
  const pending = rejectionOf(codex.account());
  const { pid } = await received.waitFor("account/read");
  const closingAt = performance.now();
  await codex.close();
  const closeMs = performance.now() - closingAt;
  for (const error of await Promise.all([iteration, pending])) {
    assert.ok(error instanceof TransportClosedError, String(error));
    assert.match(error.message, /closed by the client/);
  }
  assert.ok(isGone(pid));
  assert.equal(codex.pid, undefined);
  t.diagnostic(`close() took ${closeMs.toFixed(0)} ms`);
});

test("close() during a start whose initialize is never answered returns at once, fails the waiting call and leaves no process", async (t) => {
  const { codex, received } = standInCodex(t, { script: { initialize: ["hold"] }, codex: { requestTimeoutMs: 120_000 } });
  const waiting = rejectionOf(codex.account());
  const { pid } = await received.waitFor("initialize");
  const closingAt = performance.now();
  await within(codex.close(), "close()");
  const closeMs = performance.now() - closingAt;
  assert.ok(closeMs < 1000, `close() took ${closeMs} ms`);
  const error = await waiting;
  assert.ok(error instanceof TransportClosedError, String(error));
  assert.match(error.message, /closed by the client while the runtime was starting/);
  assert.ok(isGone(pid));
  t.diagnostic(`close() took ${closeMs.toFixed(0)} ms`);
});
