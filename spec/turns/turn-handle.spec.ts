import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { test } from "node:test";
import * as v from "valibot";
import { type AsyncCodex, CodexError, type Notification, type Thread, TransportClosedError, TurnFailedError } from "../../lib/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { notificationTurnId } from "../../lib/protocol/notification.js";
import { offlineCodex } from "../support/offline-codex.js";

const USAGE = { inputTokens: 21, cachedInputTokens: 4, outputTokens: 7, reasoningOutputTokens: 2, totalTokens: 28 };

test("run() returns the completed turn with the model's text, its items and the usage the model reported", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: "hello from mock", usage: USAGE }] } } });
  const thread = await codex.threadStart();
  const result = await thread.run("say hi");
  assert.equal(result.status, "completed");
  assert.equal(result.threadId, thread.id);
  assert.equal(result.finalResponse, "hello from mock");
  assert.equal(result.error, null);
  assert.deepEqual(result.items.map((item) => item.type), ["userMessage", "agentMessage"]);
  assert.deepEqual(result.usage?.last, {
    totalTokens: 28,
    inputTokens: 21,
    cachedInputTokens: 4,
    cacheWriteInputTokens: 0,
    outputTokens: 7,
    reasoningOutputTokens: 2,
  });
  assert.ok(typeof result.durationMs === "number" && typeof result.startedAt === "number" && typeof result.completedAt === "number");
  assert.equal(codex.activeTurnRoutes, 0);
});

test("iterating a turn streams deltas that add up to the final text and ends by itself after turn/completed", async (t) => {
  const text = "streamed words arrive one by one";
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text }] } } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("stream please");
  const methods: string[] = [];
  let deltas = "";
  for await (const notification of turn) {
    methods.push(notification.method);
    if (notification.method === "item/agentMessage/delta") deltas += notification.params.delta;
  }
  assert.equal(deltas, text);
  assert.equal(methods.at(-1), "turn/completed");
  assert.equal(methods[0], "turn/started");
  assert.ok(methods.filter((method) => method === "item/agentMessage/delta").length > 1);
});

test("a turn handle can be iterated only once", async (t) => {
  const { codex } = await offlineCodex(t);
  const turn = await (await codex.threadStart()).turn("once");
  await turn.run();
  assert.throws(() => turn[Symbol.asyncIterator](), (error: unknown) => error instanceof CodexError && /already consumed/.test(error.message));
});

test("run() after a loop that ran to turn/completed returns the result collected while streaming, the same on every call", async (t) => {
  const Answer = v.object({ word: v.string() });
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: '{"word":"streamed"}', usage: USAGE }] } } });
  const turn = await (await codex.threadStart()).turn("stream then result", { outputSchema: Answer });
  const streamed: string[] = [];
  for await (const notification of turn) if (notification.method === "item/completed") streamed.push(notification.params.item.type);
  const result = await turn.run();
  assert.equal(result.status, "completed");
  assert.equal(result.finalResponse, '{"word":"streamed"}');
  assert.deepEqual(result.output, { word: "streamed" });
  assert.deepEqual(result.items.map((item) => item.type), streamed);
  assert.equal(result.usage?.last.totalTokens, 28);
  assert.ok(typeof result.durationMs === "number");
  assert.equal(await turn.run(), result);
  assert.equal(env.model.responseRequests.length, 1, "no second model call");
});

test("run() on a handle left with break says that it has no result", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: "several words to stream here", eventDelayMs: 10 }] } } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("leave early");
  for await (const notification of turn) if (notification.method === "turn/started") break;
  await assert.rejects(() => turn.run(), (error: unknown) => error instanceof CodexError && /left before its end.*no result/.test(error.message));
});

test("run() while the handle is being iterated rejects at once instead of waiting", async (t) => {
  const { codex } = await offlineCodex(t);
  const turn = await (await codex.threadStart()).turn("busy");
  const iterator = turn[Symbol.asyncIterator]();
  await iterator.next();
  await assert.rejects(() => turn.run(), /is being iterated/);
  for (let next = await iterator.next(); !next.done; next = await iterator.next());
  assert.equal((await turn.run()).finalResponse, "echo: busy");
});

test("eight threads running turns at once each see only their own turn's notifications", async (t) => {
  const { codex } = await offlineCodex(t);
  const threads = await Promise.all(Array.from({ length: 8 }, () => codex.threadStart()));
  const outcomes = await Promise.all(
    threads.map(async (thread, index) => {
      const turn = await thread.turn(`prompt number ${index}`);
      const seen: Notification[] = [];
      for await (const notification of turn) seen.push(notification);
      return { turn, seen };
    }),
  );
  for (const [index, { turn, seen }] of outcomes.entries()) {
    assert.ok(seen.every((notification) => notificationTurnId(notification.params) === turn.id));
    const completed = seen.at(-1);
    assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "completed");
    const message = seen.find((notification) => notification.method === "item/completed" && notification.params.item.type === "agentMessage");
    assert.ok(message?.method === "item/completed" && message.params.item.type === "agentMessage");
    assert.equal(message.params.item.text, `echo: prompt number ${index}`);
  }
  assert.equal(codex.activeTurnRoutes, 0);
});

for (const [label, reply, message, info] of [
  // For an HTTP 500 the runtime reports its own message, not the body's.
  ["an HTTP 500", { type: "httpError", status: 500, message: "boom from mock model" }, /high demand/, "internalServerError"],
  ["a response.failed event", { type: "failed", message: "boom from mock model" }, /boom from mock model/, "other"],
] as const) {
  test(`a turn the model fails with ${label} throws TurnFailedError and the next turn on the thread succeeds`, async (t) => {
    const { codex } = await offlineCodex(t, { environment: { model: { replies: [reply, { type: "text", text: "recovered" }] } } });
    const thread = await codex.threadStart();
    await assert.rejects(
      () => thread.run("fail please"),
      (error: unknown) =>
        error instanceof TurnFailedError &&
        error.result.status === "failed" &&
        message.test(error.message) &&
        JSON.stringify(error.codexErrorInfo).includes(info),
    );
    const next = await thread.run("again");
    assert.equal(next.finalResponse, "recovered");
  });
}

test("interrupt() during a stream that never ends completes the turn as interrupted", async (t) => {
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "hang" }, { type: "text", text: "after" }] } } });
  const thread = await codex.threadStart();
  const started = env.model.nextResponseRequest();
  const turn = await thread.turn("hang");
  await started;
  await turn.interrupt();
  const result = await turn.run();
  assert.equal(result.status, "interrupted");
  assert.equal((await thread.run("next")).finalResponse, "after");
});

test("steer() reaches the model as added input of the running turn", async (t) => {
  const { codex, env } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "text", text: "first part", eventDelayMs: 150 }, { type: "text", text: "steered answer" }] } },
  });
  const thread = await codex.threadStart();
  const started = env.model.nextResponseRequest();
  const turn = await thread.turn("start");
  await started;
  const steered = await turn.steer("also consider this");
  assert.equal(steered.turnId, turn.id);
  const result = await turn.run();
  assert.equal(result.status, "completed");
  assert.ok(env.model.responseRequests.some((request) => userTexts(request).includes("also consider this")));
});

test("aborting a turn's signal interrupts the turn and rejects the iteration with the signal's reason", async (t) => {
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "hang" }, { type: "text", text: "after abort" }] } } });
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const reason = new Error("user cancelled");
  const started = env.model.nextResponseRequest();
  const turn = await thread.turn("hang", { signal: controller.signal });
  await started;
  const running = turn.run();
  const rest = codex.notifications()[Symbol.asyncIterator]();
  controller.abort(reason);
  await assert.rejects(running, (error: unknown) => error === reason);
  assert.equal(getEventListeners(controller.signal, "abort").length, 0);
  // The abandoned turn's remaining notifications go to codex.notifications(), ending with its interruption.
  for (let next = await rest.next(); !next.done; next = await rest.next()) {
    const notification = next.value;
    if (notification.method === "turn/completed" && notification.params.turn.id === turn.id) {
      assert.equal(notification.params.turn.status, "interrupted");
      break;
    }
  }
  await rest.return?.();
  assert.equal((await thread.run("next")).finalResponse, "after abort");
});

test("a long-lived signal collects no listeners across many turns", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  const controller = new AbortController();
  for (let index = 0; index < 5; index += 1) await thread.run(`turn ${index}`, { signal: controller.signal });
  assert.equal(getEventListeners(controller.signal, "abort").length, 0);
});

test("a runtime killed mid-turn rejects the open iteration with TransportClosedError within a second", async (t) => {
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "hang" }] } } });
  const thread = await codex.threadStart();
  const started = env.model.nextResponseRequest();
  const turn = await thread.turn("hang");
  await started;
  const running = turn.run();
  const pid = codex.pid;
  assert.ok(pid !== undefined);
  const killedAt = performance.now();
  process.kill(pid, "SIGKILL");
  await assert.rejects(running, (error: unknown) => error instanceof TransportClosedError && error.signal === "SIGKILL");
  assert.ok(performance.now() - killedAt < 1000);
  assert.ok((await codex.models()).data.length > 0, "the next call starts a fresh runtime");
  assert.notEqual(codex.pid, pid);
});

test("after 200 turns, some left with break, the SDK holds no routing state", async (t) => {
  const { codex } = await offlineCodex(t);
  const threads = await Promise.all(Array.from({ length: 4 }, () => codex.threadStart()));
  await Promise.all(
    threads.map(async (thread, threadIndex) => {
      for (let index = 0; index < 50; index += 1) {
        const turn = await thread.turn(`turn ${threadIndex}.${index}`);
        if (index % 3 === 0) {
          for await (const notification of turn) if (notification.method === "item/started") break;
          await turnEnded(codex, thread, turn.id);
        } else {
          await turn.run();
        }
      }
    }),
  );
  assert.equal(codex.activeTurnRoutes, 0);
});

/** Resolves once a turn left with `break` has finished on the runtime, so the thread can take the next one. */
async function turnEnded(codex: AsyncCodex, thread: Thread, turnId: string): Promise<void> {
  const rest = codex.notifications()[Symbol.asyncIterator]();
  try {
    if ((await thread.read()).thread.status.type !== "active") return;
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      if (next.value.method === "turn/completed" && next.value.params.turn.id === turnId) return;
    }
  } finally {
    await rest.return?.();
  }
}
