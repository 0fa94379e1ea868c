// Goals on the real runtime, driven by the fake model's scripted `update_goal` calls: one logical
// turn over every turn the runtime starts, controls, failures, and the checks before model work.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CodexError, GoalFailedError, InvalidArgumentError, InvalidRequestError, type Notification, TransportClosedError, TurnFailedError, TurnTimeoutError } from "../../lib/index.js";
import type { FakeReplySource } from "../../lib/testing/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { notificationTurnId } from "../../lib/protocol/notification.js";
import { rejectionOf } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex } from "../support/offline-codex.js";
import type { TestContext } from "node:test";

const USAGE = { inputTokens: 10, outputTokens: 3 };

/** A client on a fresh offline runtime with goals on, whose model serves `replies`. */
function goalCodex(t: TestContext, replies: FakeReplySource[], goals = true) {
  return offlineCodex(t, { environment: { model: { replies }, goals } });
}

/** Polls `check` (a runtime call) until it holds; the bound only turns a hang into a failure. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  await within(
    (async () => {
      while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
    })(),
    what,
  );
}

test("a goal completed after one continuation streams as one logical turn: one turn/started, one turn/completed, usage summed", async (t) => {
  const { codex, env } = await goalCodex(t, [
    { type: "text", text: "working on it", usage: USAGE },
    { type: "updateGoal", status: "complete", usage: USAGE },
    { type: "text", text: "goal done", usage: USAGE },
  ]);
  const thread = await codex.threadStart();
  const goal = await thread.startGoal("Say two things");
  const seen: Notification[] = [];
  for await (const notification of goal) seen.push(notification);
  const methods = seen.map((notification) => notification.method);
  assert.equal(methods.filter((method) => method === "turn/started").length, 1);
  assert.equal(methods.filter((method) => method === "turn/completed").length, 1);
  assert.equal(methods[0], "turn/started");
  assert.equal(methods.at(-1), "turn/completed");
  for (const notification of seen) {
    const turnId = notificationTurnId(notification.params);
    if (turnId !== undefined) assert.equal(turnId, goal.id, `${notification.method} carries the logical id`);
  }
  const result = await goal.run();
  assert.equal(result.status, "completed");
  assert.equal(result.id, goal.id);
  assert.equal(result.turnIds.length, 2);
  assert.equal(result.turnIds[0], goal.id);
  assert.equal(result.goal?.status, "complete");
  assert.equal(result.finalResponse, "goal done");
  const messages = result.items.flatMap((item) => (item.type === "agentMessage" ? [item.text] : []));
  assert.deepEqual(messages, ["working on it", "goal done"]);
  assert.equal(result.usage?.total.totalTokens, 39, "three model calls of 13 tokens");
  assert.equal(result.usage?.last.totalTokens, 13);
  assert.ok(typeof result.durationMs === "number" && result.durationMs >= 0);
  assert.equal(env.model.responseRequests.length, 3);
  assert.equal(codex.activeTurnRoutes, 0);
});

test("a goal completed in its first turn needs no continuation", async (t) => {
  const { codex } = await goalCodex(t, [{ type: "updateGoal", status: "complete" }, { type: "text", text: "done at once" }]);
  const thread = await codex.threadStart();
  const result = await thread.runGoal("Finish quickly");
  assert.equal(result.turnIds.length, 1);
  assert.equal(result.finalResponse, "done at once");
  assert.equal(result.goal?.status, "complete");
  assert.equal((await thread.getGoal())?.status, "complete");
});

test("setGoal, getGoal and clearGoal manage the stored goal; a stored paused goal is replaced by runGoal", async (t) => {
  const { codex, env } = await goalCodex(t, [{ type: "updateGoal", status: "complete" }, { type: "text", text: "new one done" }]);
  const thread = await codex.threadStart();
  assert.equal(await thread.getGoal(), null);
  const paused = await thread.setGoal({ objective: "the old objective", status: "paused", tokenBudget: 5000 });
  assert.equal(paused.status, "paused");
  assert.equal(paused.tokenBudget, 5000);
  assert.equal((await thread.getGoal())?.objective, "the old objective");
  assert.equal(env.model.responseRequests.length, 0, "a paused goal runs nothing");
  const result = await thread.runGoal("the new objective");
  assert.equal(result.goal?.objective, "the new objective");
  assert.equal(result.goal?.status, "complete");
  assert.equal(await thread.clearGoal(), true);
  assert.equal(await thread.clearGoal(), false);
  assert.equal(await thread.getGoal(), null);
});

test("steer() during a continuation reaches the model and keeps the logical id", async (t) => {
  const words = Array.from({ length: 12 }, (_, index) => `part${index} `);
  const { codex, env } = await goalCodex(t, [
    { type: "text", text: "first turn" },
    { type: "text", text: words.join(""), deltas: words, eventDelayMs: 40 },
    { type: "updateGoal", status: "complete" },
    { type: "text", text: "all done" },
  ]);
  const thread = await codex.threadStart();
  const continuation = (async () => {
    await env.model.nextResponseRequest();
    await env.model.nextResponseRequest();
  })();
  const goal = await thread.startGoal("Work in two turns");
  const running = goal.run();
  await within(continuation, "the continuation's model call");
  const steered = await goal.steer("also mention the weather");
  assert.equal(steered.turnId, goal.id);
  const result = await within(running, "the goal");
  assert.equal(result.turnIds.length >= 2, true);
  assert.ok(env.model.responseRequests.some((request) => userTexts(request).includes("also mention the weather")));
  assert.equal(result.goal?.status, "complete");
});

test("interrupt() pauses the goal and ends the logical turn as interrupted; then an ordinary turn works", async (t) => {
  const { codex, env } = await goalCodex(t, [{ type: "hang" }, { type: "text", text: "ordinary answer" }]);
  const thread = await codex.threadStart();
  const modelCalled = env.model.nextResponseRequest();
  const goal = await thread.startGoal("Think forever");
  await modelCalled;
  await goal.interrupt();
  const result = await within(goal.run(), "the interrupted goal");
  assert.equal(result.status, "interrupted");
  assert.equal(result.goal?.status, "paused");
  assert.equal((await thread.getGoal())?.status, "paused");
  assert.equal(codex.activeTurnRoutes, 0);
  assert.equal((await thread.run("an ordinary turn")).finalResponse, "ordinary answer");
  await assert.rejects(() => goal.interrupt(), (error: unknown) => error instanceof InvalidRequestError && /no active turn/.test(error.rpcMessage));
});

test("after the goal is complete, steer() and interrupt() fail with the runtime's no-active-turn error", async (t) => {
  const { codex } = await goalCodex(t, [{ type: "updateGoal", status: "complete" }, { type: "text", text: "done" }]);
  const thread = await codex.threadStart();
  const goal = await thread.startGoal("Be done");
  await goal.run();
  await assert.rejects(() => goal.steer("more"), (error: unknown) => error instanceof InvalidRequestError && /no active turn to steer/.test(error.rpcMessage));
  await assert.rejects(() => goal.interrupt(), (error: unknown) => error instanceof InvalidRequestError && /no active turn to interrupt/.test(error.rpcMessage));
});

for (const [label, reply, message] of [
  ["an HTTP 500", { type: "httpError", status: 500, message: "boom" }, /high demand/],
  ["a failed stream", { type: "failed", message: "model broke" }, /model broke/],
] as const) {
  test(`a model failure (${label}) ends the goal with TurnFailedError, the goal stays blocked and the thread takes ordinary turns`, async (t) => {
    const { codex } = await goalCodex(t, [reply, { type: "text", text: "recovered" }]);
    const thread = await codex.threadStart();
    const error = await rejectionOf(thread.runGoal("Fail please"));
    assert.ok(error instanceof GoalFailedError && error instanceof TurnFailedError, String(error));
    assert.match(error.message, message);
    assert.equal(error.result.status, "failed");
    assert.equal(error.result.goal?.status, "blocked");
    assert.equal((await thread.getGoal())?.status, "blocked");
    assert.equal(codex.activeTurnRoutes, 0);
    assert.equal((await thread.run("are you back?")).finalResponse, "recovered");
  });
}

test("a usage limit hit in a continuation (HTTP 429 usage_limit_reached) ends the goal as usageLimited with TurnFailedError; no further turn starts, the thread takes ordinary turns, and setGoal active resumes it", async (t) => {
  const { codex, env } = await goalCodex(t, [
    { type: "text", text: "first turn", usage: USAGE },
    { type: "httpError", status: 429, message: "quota gone", errorType: "usage_limit_reached" },
    { type: "text", text: "recovered" },
  ]);
  const thread = await codex.threadStart();
  const goal = await thread.startGoal("Work until the quota runs out");
  const seen: Notification[] = [];
  await within((async () => { for await (const notification of goal) seen.push(notification); })(), "the usage-limited goal's stream");
  const methods = seen.map((notification) => notification.method);
  assert.equal(methods.filter((method) => method === "turn/started").length, 1);
  assert.equal(methods.filter((method) => method === "turn/completed").length, 1);
  const statuses = seen.flatMap((notification) => (notification.method === "thread/goal/updated" ? [notification.params.goal.status] : []));
  assert.equal(statuses.at(-1), "usageLimited", `goal updates: ${statuses.join(", ")}`);
  const error = await rejectionOf(goal.run());
  assert.ok(error instanceof GoalFailedError && error instanceof TurnFailedError, String(error));
  assert.equal(error.name, "GoalFailedError");
  assert.equal(error.result.goal?.status, "usageLimited");
  assert.deepEqual(error.result.turnIds.length, 2, "the first turn and the continuation");
  // The runtime's own message; the body's is not shown.
  assert.match(error.message, /hit your usage limit/);
  assert.equal(error.codexErrorInfo, "usageLimitExceeded");
  assert.equal(error.result.status, "failed");
  assert.equal(error.result.id, goal.id);
  assert.equal(env.model.responseRequests.length, 2, "the first turn and the continuation that hit the limit");
  assert.deepEqual(error.result.items.flatMap((item) => (item.type === "agentMessage" ? [item.text] : [])), ["first turn"]);
  assert.equal((await thread.getGoal())?.status, "usageLimited");
  assert.equal(codex.activeTurnRoutes, 0);
  assert.equal((await thread.run("is the quota back?")).finalResponse, "recovered", "no continuation took the next reply");
  assert.equal(env.model.responseRequests.length, 3);
  assert.equal((await thread.getGoal())?.status, "usageLimited", "an ordinary turn does not resume the goal");

  // Once the quota is back, setting the stored goal active resumes it (startGoal would replace it).
  env.model.enqueue({ type: "updateGoal", status: "complete" }, { type: "text", text: "resumed and done" });
  const updates = codex.notifications()[Symbol.asyncIterator]();
  const resumed = await thread.setGoal({ status: "active" });
  assert.equal(resumed.objective, "Work until the quota runs out");
  for (let next = await within(updates.next(), "the resumed goal"); !next.done; next = await within(updates.next(), "the resumed goal")) {
    if (next.value.method === "thread/goal/updated" && next.value.params.goal.status === "complete") break;
  }
  await updates.return?.();
});

test("a goal past its tokenBudget stops as budgetLimited, and one the model marks blocked stops as blocked", async (t) => {
  const { codex } = await goalCodex(t, [
    { type: "text", text: "expensive", usage: { inputTokens: 50, outputTokens: 60 } },
    { type: "updateGoal", status: "blocked" },
    { type: "text", text: "I am stuck" },
  ]);
  const [spender, stuck] = await Promise.all([codex.threadStart(), codex.threadStart()]);
  const budgeted = await spender.runGoal("Spend tokens", { tokenBudget: 100 });
  assert.equal(budgeted.status, "completed");
  assert.equal(budgeted.goal?.status, "budgetLimited");
  assert.equal(budgeted.goal?.tokenBudget, 100);
  const blocked = await stuck.runGoal("Get stuck");
  assert.equal(blocked.goal?.status, "blocked");
  assert.equal(blocked.finalResponse, "I am stuck");
  assert.equal(codex.activeTurnRoutes, 0);
});

test("leaving the goal's stream with break releases the routing at once but keeps the goal active; its turns then reach codex.notifications()", async (t) => {
  const words = Array.from({ length: 10 }, (_, index) => `slow${index} `);
  const { codex } = await goalCodex(t, [
    { type: "text", text: words.join(""), deltas: words, eventDelayMs: 50 },
    { type: "updateGoal", status: "complete" },
    { type: "text", text: "finished without a reader" },
  ]);
  const thread = await codex.threadStart();
  const rest = codex.notifications()[Symbol.asyncIterator]();
  const goal = await thread.startGoal("Keep going");
  for await (const notification of goal) if (notification.method === "turn/started") break;
  assert.equal(codex.activeTurnRoutes, 0);
  assert.equal((await thread.getGoal())?.status, "active", "break does not pause the goal");
  for (let next = await within(rest.next(), "the goal's notifications"); !next.done; next = await within(rest.next(), "the goal's notifications")) {
    const notification = next.value;
    if (notification.method === "thread/goal/updated" && notification.params.goal.status === "complete") break;
  }
  await rest.return?.();
});

test("the runtime exiting mid-goal rejects the handle with TransportClosedError and releases the routing", async (t) => {
  const { codex, env } = await goalCodex(t, [{ type: "hang" }]);
  const thread = await codex.threadStart();
  const modelCalled = env.model.nextResponseRequest();
  const goal = await thread.startGoal("Hang");
  const running = goal.run();
  await modelCalled;
  process.kill(codex.pid!, "SIGKILL");
  assert.ok((await within(rejectionOf(running), "the goal")) instanceof TransportClosedError);
  assert.equal(codex.activeTurnRoutes, 0);
});

test("aborting the signal while the goal runs rejects with its reason and pauses the goal", async (t) => {
  const { codex, env } = await goalCodex(t, [{ type: "hang" }]);
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const reason = new Error("stop the goal");
  const modelCalled = env.model.nextResponseRequest();
  const goal = await thread.startGoal("Hang", { signal: controller.signal });
  const running = goal.run();
  await modelCalled;
  controller.abort(reason);
  assert.equal(await within(rejectionOf(running), "the aborted goal"), reason);
  await eventually(async () => (await thread.getGoal())?.status === "paused", "the goal to be paused");
  await eventually(async () => codex.activeTurnRoutes === 0, "the routing to be released");
});

test("aborting the signal while the goal is starting rejects with its reason and leaves the goal paused", async (t) => {
  const { codex } = await goalCodex(t, [{ type: "hang" }]);
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const reason = new Error("never mind");
  // The thread turns active once the goal is set, just before its first turn starts.
  const activated = (async () => {
    for await (const notification of codex.notifications({ signal: controller.signal })) {
      if (notification.method === "thread/status/changed" && notification.params.threadId === thread.id && notification.params.status.type === "active") controller.abort(reason);
    }
  })().catch(() => undefined);
  const outcome = thread.startGoal("Hang", { signal: controller.signal }).then((goal) => goal.run());
  assert.equal(await within(rejectionOf(outcome), "the aborted start"), reason);
  await activated;
  await eventually(async () => (await thread.getGoal())?.status === "paused", "the goal to be paused");
  await eventually(async () => codex.activeTurnRoutes === 0, "the routing to be released");
});

test("a goal past its turnTimeoutMs rejects with TurnTimeoutError naming the limit, and is paused", async (t) => {
  const { codex } = await goalCodex(t, [{ type: "hang" }]);
  const thread = await codex.threadStart();
  const error = await within(rejectionOf(thread.runGoal("Hang", { turnTimeoutMs: 300 })), "the goal's time limit");
  assert.ok(error instanceof TurnTimeoutError && error.limit === "turnTimeoutMs" && error.timeoutMs === 300, String(error));
  await eventually(async () => (await thread.getGoal())?.status === "paused", "the goal to be paused");
});

test("the checks before a goal send nothing to the model: objective, ephemeral thread, running turn", async (t) => {
  const { codex, env } = await goalCodex(t, [{ type: "hang" }]);
  const thread = await codex.threadStart();
  for (const objective of ["", "   ", "x".repeat(4001)]) {
    await assert.rejects(() => thread.startGoal(objective), (error: unknown) => error instanceof InvalidArgumentError && error.argument === "objective");
  }
  await assert.rejects(() => thread.startGoal(42 as unknown as string), InvalidArgumentError);
  await assert.rejects(() => thread.startGoal("ok", { tokenBudjet: 5 } as never), /options.tokenBudjet: is not a known option; did you mean tokenBudget\?/);
  await assert.rejects(() => thread.setGoal({ objective: "ok", state: "paused" } as never), /options.state: is not a known option/);
  assert.equal((await thread.setGoal({ objective: "y".repeat(4000), status: "paused" })).objective.length, 4000, "4,000 characters is the limit");

  const ephemeral = await codex.threadStart({ ephemeral: true });
  await assert.rejects(
    () => ephemeral.startGoal("persist me"),
    (error: unknown) => error instanceof InvalidRequestError && /ephemeral.*not persisted/.test(error.message),
  );

  const busy = await codex.threadStart();
  const modelCalled = env.model.nextResponseRequest();
  const running = await busy.turn("a turn that runs");
  await modelCalled;
  await assert.rejects(() => busy.startGoal("not now"), (error: unknown) => error instanceof CodexError && /not idle/.test(error.message));
  assert.equal(env.model.responseRequests.length, 1, "only the running turn reached the model");
  await running.interrupt();
  assert.equal((await running.run()).status, "interrupted", "the running turn was left alone until interrupted");
  assert.equal(await busy.getGoal(), null);
});

test("with the goals feature off, a goal is refused naming the setting, before any model work", async (t) => {
  const { codex, env } = await goalCodex(t, [], false);
  const thread = await codex.threadStart();
  await assert.rejects(
    () => thread.startGoal("anything"),
    (error: unknown) => error instanceof InvalidRequestError && /goals feature is disabled.*\[features\] goals = true/.test(error.message),
  );
  await assert.rejects(() => thread.getGoal(), /goals = true/);
  assert.equal(env.model.responseRequests.length, 0);
  assert.equal(codex.activeTurnRoutes, 0);
});

test("an ordinary turn called during a goal waits for the goal to end, then runs with its own answer", async (t) => {
  const { codex } = await goalCodex(t, [
    { type: "text", text: "goal at work", eventDelayMs: 20 },
    { type: "updateGoal", status: "complete" },
    { type: "text", text: "goal done" },
  ]);
  const thread = await codex.threadStart();
  const order: string[] = [];
  const goal = await thread.startGoal("Do the goal first");
  const ordinary = thread.run("ordinary").then((result) => (order.push("ordinary"), result));
  const result = await goal.run();
  order.push("goal");
  assert.equal(result.goal?.status, "complete");
  assert.equal((await within(ordinary, "the ordinary turn")).finalResponse, "echo: ordinary");
  assert.deepEqual(order, ["goal", "ordinary"]);
});
