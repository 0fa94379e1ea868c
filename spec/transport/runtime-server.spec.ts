import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { InvalidArgumentError, startRuntimeServer } from "../../lib/index.js";
import { createOfflineEnvironment } from "../../lib/testing/index.js";
import { goneWithin, isGone } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";

const HOST = fileURLToPath(new URL("../fixtures/server-host.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Only to turn a leak into a failure. */
const GONE_MS = 3000;

/** Starts server-host.ts in `mode`; resolves once its server's runtime runs a turn the model hangs. */
async function startHost(t: TestContext, mode: string) {
  const env = await createOfflineEnvironment({ model: { replies: [{ type: "hang" }] } });
  const host = spawn(process.execPath, ["--import", "tsx", HOST, mode, env.codexHome, env.workdir], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
  const exited = once(host, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
  let stderr = "";
  host.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: host.stdout })[Symbol.asyncIterator]();
  let pid: number | undefined;
  t.after(async () => {
    if (host.exitCode === null && host.signalCode === null) host.kill("SIGKILL");
    await exited;
    if (pid !== undefined && !isGone(pid)) process.kill(pid, "SIGKILL");
    await env.close();
  });
  const modelCalled = env.model.nextResponseRequest();
  // The host compiles with tsx and starts a runtime before it prints: slow on a loaded machine.
  const { value: line } = await Promise.race([lines.next(), exited.then(() => assert.fail(`the host exited: ${stderr}`))]);
  await within(modelCalled, "the hanging turn");
  pid = (JSON.parse(line as string) as { pid: number }).pid;
  assert.ok(!isGone(pid), "the server runs");
  return { host, pid, exited, lines, stderr: () => stderr };
}

test("a runtime server is gone after close(), even with a turn running on it", async (t) => {
  const { host, pid, lines } = await startHost(t, "close");
  host.stdin.write("now\n");
  assert.equal((await within(lines.next(), "closed")).value, "closed");
  assert.ok(isGone(pid), "close() resolved after the runtime exited");
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  test(`a runtime server is gone when its host gets ${signal}, and the host still ends by the signal`, async (t) => {
    const { host, pid, exited } = await startHost(t, "wait");
    const killedAt = performance.now();
    host.kill(signal);
    assert.deepEqual(await exited, [null, signal]);
    t.diagnostic(`server gone ${(await goneWithin(pid, GONE_MS, killedAt)).toFixed(0)} ms after the host got ${signal}`);
  });
}

test("a runtime server is gone when its host dies of an uncaught exception", async (t) => {
  const { host, pid, exited, stderr } = await startHost(t, "throw");
  host.stdin.write("now\n");
  assert.deepEqual(await exited, [1, null]);
  const endedAt = performance.now();
  assert.match(stderr(), /a bug in user code/);
  t.diagnostic(`server gone ${(await goneWithin(pid, GONE_MS, endedAt)).toFixed(0)} ms after the host exited`);
});

test("startRuntimeServer deletes the token file once the runtime listens, and checks its options", async (t) => {
  const env = await createOfflineEnvironment();
  t.after(() => env.close());
  await using server = await startRuntimeServer({ codexHome: env.codexHome, cwd: env.workdir });
  const { readFile } = await import("node:fs/promises");
  const cmdline = (await readFile(`/proc/${server.pid}/cmdline`, "utf8")).split("\0");
  const tokenFile = cmdline[cmdline.indexOf("--ws-token-file") + 1] as string;
  await assert.rejects(() => readFile(tokenFile), { code: "ENOENT" });
  assert.ok(!cmdline.join(" ").includes(server.token as string), "the token is not in argv");
  await assert.rejects(() => startRuntimeServer({ listen: "tcp" as never }), /options\.listen/);
  await assert.rejects(() => startRuntimeServer({ lisen: "ws" } as never), (error: unknown) => error instanceof InvalidArgumentError && error.argument === "options.lisen" && /did you mean listen/.test(error.message));
});
