// Hostile or broken runtime output: each fault becomes a typed error (through onError, or from
// the call it breaks), the connection survives where it can, and memory stays bounded.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ProtocolError } from "../../lib/index.js";
import { rejectionOf, release, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const QUIET_HOST = fileURLToPath(new URL("../fixtures/quiet-host.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const MB = 1024 * 1024;

/** Heap in use after a full collection, in bytes. */
async function settledHeap(): Promise<number> {
  // One macrotask first, so nothing of the call just finished is still on a stack.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

/** Runs `call`, sampling the heap every few ms; returns its result, the peak heap growth and the growth left after a collection. */
async function measureHeap<T>(call: () => Promise<T>): Promise<{ result: T; peak: number; retained: number; ms: number }> {
  const before = await settledHeap();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 2);
  const startedAt = performance.now();
  try {
    const result = await call();
    const ms = performance.now() - startedAt;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    return { result, peak: peak - before, retained: (await settledHeap()) - before, ms };
  } finally {
    clearInterval(sampler);
  }
}

test("a 50 MB line past maxLineLength is dropped and reported, the heap never holds it, and the answer after it arrives", async (t) => {
  const { codex, errors } = standInCodex(t, { script: { "model/list": [{ line: 50 * MB }, "answer"] }, codex: { maxLineLength: MB } });
  await codex.start();
  const { result, peak, retained, ms } = await measureHeap(() => codex.models());
  assert.ok(Array.isArray(result.data));
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof ProtocolError);
  assert.match(errors[0].message, /^Dropped a \d+-character line from the runtime: longer than maxLineLength \(1048576\)$/);
  assert.ok(peak < 20 * MB, `the heap grew by ${(peak / MB).toFixed(1)} MB while the line streamed`);
  assert.ok(retained < 2 * MB, `${(retained / MB).toFixed(1)} MB retained`);
  t.diagnostic(`50 MB line dropped in ${ms.toFixed(0)} ms; heap peak +${(peak / MB).toFixed(1)} MB, retained +${(retained / MB).toFixed(1)} MB`);
});

test("a 50 MB line that is not JSON, under the default limit, is reported in linear time and not kept alive by the error", async (t) => {
  const { codex, errors } = standInCodex(t, { script: { "model/list": [{ line: 50 * MB }, "answer"] } });
  await codex.start();
  const { result, retained, ms } = await measureHeap(() => codex.models());
  assert.ok(Array.isArray(result.data));
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof ProtocolError);
  assert.match(errors[0].message, /^The runtime wrote a line that is not JSON: x{200}…$/);
  // The errors are still referenced here: neither the preview nor the cause may pin the line.
  assert.ok(retained < 2 * MB, `${(retained / MB).toFixed(1)} MB retained while the error is kept`);
  assert.ok(ms < 3000, `took ${ms} ms`);
  t.diagnostic(`50 MB non-JSON line reported in ${ms.toFixed(0)} ms; retained +${(retained / MB).toFixed(1)} MB`);
});

test("lines that are not JSON objects are reported as ProtocolError and the messages around them still arrive", async (t) => {
  const { codex, errors, received } = standInCodex(t, {
    script: { "model/list": [{ write: "this is not JSON {" }, { write: "[1, 2, 3]" }, { write: '"a string"' }, { write: "\u0000\u0001\u00ff" }, "answer"] },
  });
  await codex.start();
  assert.ok(Array.isArray((await codex.models()).data));
  assert.ok(errors.every((error) => error instanceof ProtocolError));
  // Sorted: lines that fail to parse are reported as read, parsed ones after the message queue.
  assert.deepEqual(errors.map((error) => error.message).sort(), [
    'The runtime sent a message that is not a JSON object: "a string"',
    "The runtime sent a message that is not a JSON object: [1,2,3]",
    "The runtime wrote a line that is not JSON: \u0000\u0001\u00ff",
    "The runtime wrote a line that is not JSON: this is not JSON {",
  ]);
  assert.equal((await codex.threadStart()).id, "thread-1");
  assert.equal(new Set(received.entries.map((entry) => entry.pid)).size, 1, "one runtime throughout");
});

test("a response with an id nobody sent is reported and the pending call still gets its own answer", async (t) => {
  const { codex, errors } = standInCodex(t, { script: { "model/list": [{ send: { id: 9999, result: { stolen: true } } }, "answer"] } });
  await codex.start();
  const models = await codex.models();
  assert.ok(Array.isArray(models.data) && !("stolen" in models));
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof ProtocolError);
  assert.equal(errors[0].message, "The runtime sent a response to no pending request (id 9999)");
  assert.equal((await codex.account()).requiresOpenaiAuth, false);
});

test("a turn/completed without turn.status fails the live turn with a ProtocolError naming the field, and the connection survives", async (t) => {
  const completedWithoutStatus = { send: { method: "turn/completed", params: { threadId: "$threadId", turn: { id: "$turnId" } } } };
  const { codex, received } = standInCodex(t, { script: { "turn/start": ["answer", "hold", completedWithoutStatus] } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("go");
  const running = rejectionOf(turn.run());
  release((await received.waitFor("turn/start")).pid);
  const error = await within(running, "the failed turn");
  assert.ok(error instanceof ProtocolError, String(error));
  assert.equal(error.method, "turn/completed");
  assert.equal(error.path, "turn.status");
  assert.match(error.message, /^Unexpected turn\/completed notification from the runtime: turn\.status: /);
  assert.equal(codex.activeTurnRoutes, 0);
  assert.equal((await codex.account()).requiresOpenaiAuth, false);
});

test("a notification missing the fields the SDK reads is reported as a ProtocolError, not a TypeError", async (t) => {
  const { codex, errors } = standInCodex(t, { script: { "model/list": [{ send: { method: "account/login/completed" } }, "answer"] } });
  await codex.start();
  await codex.models();
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof ProtocolError, String(errors[0]));
  assert.equal(errors[0].method, "account/login/completed");
  assert.match(errors[0].message, /^Could not handle the runtime's account\/login\/completed notification: /);
  assert.ok(errors[0].cause instanceof TypeError);
});

test("a thread/start response without thread.id is rejected with a ProtocolError naming the field, and the connection survives", async (t) => {
  const { codex } = standInCodex(t, { script: { "thread/start": [{ answer: { thread: { name: "no id" } } }] } });
  await codex.start();
  const pid = codex.pid;
  const error = await rejectionOf(codex.threadStart());
  assert.ok(error instanceof ProtocolError, String(error));
  assert.equal(error.method, "thread/start");
  assert.equal(error.path, "thread.id");
  assert.equal((await codex.threadResume("thread-9")).id, "thread-9");
  assert.equal(codex.pid, pid);
});

test("a turn/start response without turn.id is rejected with a ProtocolError and leaves no routing state", async (t) => {
  const { codex } = standInCodex(t, { script: { "turn/start": [{ answer: { turn: { status: "inProgress" } } }] } });
  const thread = await codex.threadStart();
  const error = await rejectionOf(thread.turn("go"));
  assert.ok(error instanceof ProtocolError, String(error));
  assert.equal(error.method, "turn/start");
  assert.equal(error.path, "turn.id");
  assert.equal(codex.activeTurnRoutes, 0);
  assert.equal((await codex.account()).requiresOpenaiAuth, false);
});

test("the SDK writes nothing to stdout or stderr while it meets all of these faults without an onError handler", async () => {
  const host = spawn(process.execPath, ["--import", "tsx", QUIET_HOST], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  host.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  host.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await within(once(host, "exit"), "the quiet host")) as [number | null];
  assert.equal(stderr, "");
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(stdout), { outcomes: ["models: ok", "threadStart: ProtocolError", "run: ProtocolError", "account: TransportClosedError"] });
  assert.equal(stdout.split("\n").length, 2, "one line and its newline");
});
