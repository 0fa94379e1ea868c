// Cancellation at every stage of a call: before it, while the runtime starts, during the
// handshake, between turn/start and its answer, and mid-stream. Each rejects with signal.reason,
// interrupts a turn that exists, and leaves no listener behind on the signal.
import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import { setImmediate as nextMacrotask } from "node:timers/promises";
import { type AsyncCodex, InvalidRequestError, TransportClosedError, TurnFailedError, TurnTimeoutError } from "../../lib/index.js";
import { type FakeReply, type RecordedRequest, userTexts } from "../../lib/testing/index.js";
import { rejectionOf, release, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex, runtimePids } from "../support/offline-codex.js";

function listeners(signal: AbortSignal): number {
  return getEventListeners(signal, "abort").length;
}

/** Resolves with the status of the next turn/completed on `threadId` that codex.notifications() sees (listening from now on). */
function nextCompletionOn(codex: AsyncCodex, threadId: string): Promise<string> {
  const controller = new AbortController();
  return (async () => {
    for await (const notification of codex.notifications({ signal: controller.signal })) {
      if (notification.method === "turn/completed" && notification.params.threadId === threadId) {
        controller.abort();
        return notification.params.turn.status;
      }
    }
    throw new Error("notifications ended before the turn completed");
  })();
}

test("a signal aborted before the call rejects every kind of call with its reason and spawns no runtime", async (t) => {
  const { codex } = await offlineCodex(t);
  const reason = new Error("cancelled before the call");
  const signal = AbortSignal.abort(reason);
  const calls = [
    codex.start({ signal }),
    codex.account({ signal }),
    codex.models({ signal }),
    codex.threadStart({ signal }),
    codex.threadResume("some-thread", { signal }),
    codex.threadList({ signal }),
    codex.loginApiKey("sk-test-0123456789abcdef", { signal }),
  ];
  for (const call of calls) assert.equal(await rejectionOf(call), reason);
  assert.equal(codex.pid, undefined);
  assert.deepEqual(await runtimePids(), []);
  assert.equal(listeners(signal), 0);
});

test("a signal aborted before a call on a running runtime rejects it with its reason and sends nothing", async (t) => {
  const { codex, received } = standInCodex(t);
  const thread = await codex.threadStart();
  const turn = await thread.turn("a live turn");
  const reason = new Error("cancelled before the call");
  const signal = AbortSignal.abort(reason);
  const calls = [thread.turn("hi", { signal }), thread.run("hi", { signal }), thread.read({ signal }), turn.steer("more", { signal }), turn.interrupt({ signal }), codex.account({ signal })];
  for (const call of calls) assert.equal(await rejectionOf(call), reason);
  await codex.models();
  assert.deepEqual(received.methods, ["initialize", "thread/start", "turn/start", "model/list"]);
  assert.equal(listeners(signal), 0);
});

test("a signal aborted while the runtime starts rejects at once with its reason, and the shared start still serves other calls", async (t) => {
  const { codex } = await offlineCodex(t);
  const controller = new AbortController();
  const reason = new Error("cancelled during start");
  const starting = rejectionOf(codex.start({ signal: controller.signal }));
  const other = codex.account();
  const abortedAt = performance.now();
  controller.abort(reason);
  assert.equal(await starting, reason);
  const rejectedMs = performance.now() - abortedAt;
  assert.equal(codex.pid, undefined, "rejected before the runtime finished starting");
  assert.equal(listeners(controller.signal), 0);
  assert.equal((await other).requiresOpenaiAuth, false);
  assert.equal((await runtimePids()).length, 1);
  t.diagnostic(`rejected ${rejectedMs.toFixed(1)} ms after abort`);
});

test("a signal aborted during the initialize handshake rejects with its reason, and the handshake still completes for other calls", async (t) => {
  const { codex, received } = standInCodex(t, { script: { initialize: ["hold", "answer"] } });
  const controller = new AbortController();
  const reason = new Error("cancelled during initialize");
  const starting = rejectionOf(codex.account({ signal: controller.signal }));
  const other = codex.models();
  const { pid } = await received.waitFor("initialize");
  controller.abort(reason);
  assert.equal(await within(starting, "the aborted call"), reason);
  assert.equal(listeners(controller.signal), 0);
  release(pid);
  await other;
  assert.equal(codex.pid, pid);
  assert.deepEqual(received.methods, ["initialize", "model/list"]);
});

test("a signal aborted between turn/start and its answer rejects at once, and turn/interrupt follows once the turn id arrives", async (t) => {
  const { codex, received } = standInCodex(t, { script: { "turn/start": ["hold", "answer"] } });
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const reason = new Error("cancelled while turn/start was in flight");
  const turning = rejectionOf(thread.turn("go", { signal: controller.signal }));
  const start = await received.waitFor("turn/start");
  const abortedAt = performance.now();
  controller.abort(reason);
  // Rejected while the stand-in still holds the answer: the call did not wait for it.
  assert.equal(await within(turning, "the aborted turn"), reason);
  assert.equal(listeners(controller.signal), 0);
  assert.ok(!received.methods.includes("turn/interrupt"), "no turn id yet, so nothing to interrupt");

  const rejectedMs = performance.now() - abortedAt;
  const releasedAt = performance.now();
  release(start.pid);
  const interrupt = await within(received.waitFor("turn/interrupt"), "turn/interrupt");
  assert.deepEqual(interrupt.params, { threadId: thread.id, turnId: "turn-1" });
  const interruptMs = performance.now() - releasedAt;
  await codex.models();
  assert.equal(codex.activeTurnRoutes, 0);
  t.diagnostic(`rejected ${rejectedMs.toFixed(1)} ms after abort; turn/interrupt sent ${interruptMs.toFixed(1)} ms after the turn id arrived`);
});

test("on the real runtime, a turn aborted before turn/start was answered ends interrupted and the thread stays usable", async (t) => {
  const reply = (request: RecordedRequest): FakeReply => (userTexts(request).at(-1) === "hang" ? { type: "hang" } : { type: "text", text: "after" });
  const { codex } = await offlineCodex(t, { environment: { model: { defaultReply: reply } } });
  const thread = await codex.threadStart();
  const pid = codex.pid;
  assert.ok(pid !== undefined);
  const completion = nextCompletionOn(codex, thread.id);
  // Stopped, the runtime cannot answer turn/start before the abort.
  process.kill(pid, "SIGSTOP");
  const controller = new AbortController();
  const reason = new Error("cancelled before the answer");
  const turning = rejectionOf(thread.turn("hang", { signal: controller.signal }));
  await nextMacrotask();
  const abortedAt = performance.now();
  controller.abort(reason);
  assert.equal(await turning, reason);
  const rejectedMs = performance.now() - abortedAt;
  const resumedAt = performance.now();
  process.kill(pid, "SIGCONT");
  assert.equal(await within(completion, "the interrupted turn"), "interrupted");
  const interruptedMs = performance.now() - resumedAt;
  assert.equal(listeners(controller.signal), 0);
  assert.equal((await thread.run("next")).finalResponse, "after");
  t.diagnostic(`rejected ${rejectedMs.toFixed(1)} ms after abort; turn ended interrupted ${interruptedMs.toFixed(0)} ms after the runtime resumed`);
});

test("on the real runtime, a turn aborted as soon as turn() returns, before it started, is still interrupted", async (t) => {
  const reply = (request: RecordedRequest): FakeReply => (userTexts(request).at(-1) === "hang" ? { type: "hang" } : { type: "text", text: "after" });
  const { codex, errors } = await offlineCodex(t, { environment: { model: { defaultReply: reply } } });
  const thread = await codex.threadStart();
  const completion = nextCompletionOn(codex, thread.id);
  const controller = new AbortController();
  const reason = new Error("cancelled at once");
  const turn = await thread.turn("hang", { signal: controller.signal });
  // The runtime answers turn/start before the turn is active and refuses an interrupt until then.
  const abortedAt = performance.now();
  controller.abort(reason);
  assert.equal(await rejectionOf(turn.run()), reason);
  assert.equal(await within(completion, "the interrupted turn"), "interrupted");
  t.diagnostic(`turn ended interrupted ${(performance.now() - abortedAt).toFixed(0)} ms after abort`);
  assert.deepEqual(errors, []);
  assert.equal((await thread.run("next")).finalResponse, "after");
  assert.equal(codex.activeTurnRoutes, 0);
});

test("on the real runtime, interrupt() called as soon as turn() returns waits for the turn to start and interrupts it", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "hang" }] } } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("hang");
  assert.deepEqual(await within(turn.interrupt(), "interrupt()"), {});
  assert.equal((await turn.run()).status, "interrupted");
});

test("a signal aborted mid-stream rejects the iteration with its reason and sends turn/interrupt for that turn", async (t) => {
  const { codex, received } = standInCodex(t);
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const reason = new Error("cancelled mid-stream");
  const turn = await thread.turn("go", { signal: controller.signal });
  let abortedAt = 0;
  const iteration = rejectionOf(
    (async () => {
      for await (const notification of turn) {
        if (notification.method !== "turn/started") continue;
        abortedAt = performance.now();
        controller.abort(reason);
      }
    })(),
  );
  assert.equal(await within(iteration, "the aborted iteration"), reason);
  const rejectedMs = performance.now() - abortedAt;
  const interrupt = await within(received.waitFor("turn/interrupt"), "turn/interrupt");
  t.diagnostic(`rejected ${rejectedMs.toFixed(1)} ms after abort; turn/interrupt received ${(performance.now() - abortedAt).toFixed(1)} ms after abort`);
  assert.deepEqual(interrupt.params, { threadId: thread.id, turnId: turn.id });
  assert.equal(listeners(controller.signal), 0);
  assert.equal(codex.activeTurnRoutes, 0);
});

test("a long-lived signal passed to calls that succeed, fail, time out, are left, or die with the runtime keeps no listener", async (t) => {
  const { codex, env } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "text", text: "fine" }, { type: "httpError", status: 500 }, { type: "hang" }, { type: "hang" }] } },
    codex: { turnIdleTimeoutMs: 1000 },
  });
  const { signal } = new AbortController();
  await codex.start({ signal });
  await codex.account({ signal });
  const thread = await codex.threadStart({ signal });
  await thread.run("succeeds", { signal });
  assert.ok((await rejectionOf(thread.read({ signal, includeTurns: "yes" as unknown as boolean }))) instanceof InvalidRequestError);
  assert.ok((await rejectionOf(thread.run("fails", { signal }))) instanceof TurnFailedError);
  assert.ok((await rejectionOf(thread.run("goes quiet", { signal }))) instanceof TurnTimeoutError);
  for await (const notification of codex.notifications({ signal })) if (notification) break;

  const started = env.model.nextResponseRequest();
  const notifications = codex.notifications({ signal })[Symbol.asyncIterator]();
  const dying = [rejectionOf(thread.run("dies", { signal }))];
  await started;
  const pid = codex.pid;
  assert.ok(pid !== undefined);
  process.kill(pid, "SIGSTOP");
  dying.push(rejectionOf(codex.account({ signal })), rejectionOf(thread.read({ signal })));
  await nextMacrotask();
  process.kill(pid, "SIGKILL");
  for (const error of await Promise.all(dying)) assert.ok(error instanceof TransportClosedError, String(error));
  await codex.close();
  // close() ends the listener: what it buffered drains, then the iteration finishes.
  while (!(await within(notifications.next(), "the end of notifications()")).done);
  assert.equal(listeners(signal), 0);
});
