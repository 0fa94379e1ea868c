// Turns on one thread run one after the other, in call order: the runtime would join a second
// turn/start into the running turn (same id), and one of the two handles would never settle.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ThreadBusyError } from "../../lib/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { rejectionOf, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex } from "../support/offline-codex.js";

for (const count of [2, 3, 5]) {
  test(`${count} turns started at once on one thread all complete, in call order, each with its own answer`, async (t) => {
    const { codex, env } = await offlineCodex(t, { environment: { model: { defaultReply: (request) => ({ type: "text", text: `echo: ${userTexts(request).at(-1)}`, eventDelayMs: 5 }) } } });
    const thread = await codex.threadStart();
    const prompts = Array.from({ length: count }, (_, index) => `prompt ${index}`);
    const settled: string[] = [];
    const startedAt = performance.now();
    const results = await within(
      Promise.all(prompts.map((prompt) => thread.run(prompt).then((result) => (settled.push(prompt), result)))),
      `${count} turns on one thread`,
    );
    const ms = performance.now() - startedAt;
    assert.deepEqual(
      results.map((result) => result.finalResponse),
      prompts.map((prompt) => `echo: ${prompt}`),
    );
    assert.equal(new Set(results.map((result) => result.id)).size, count, "each turn has its own id");
    assert.ok(results.every((result) => result.status === "completed"));
    assert.deepEqual(settled, prompts, "they settled in call order");
    assert.deepEqual(
      env.model.responseRequests.map((request) => userTexts(request).at(-1)),
      prompts,
      "the model saw them one after the other, in call order",
    );
    assert.equal(codex.activeTurnRoutes, 0);
    t.diagnostic(`${count} same-thread turns settled in ${ms.toFixed(0)} ms`);
  });
}

test("turn() handles taken at once stream one after the other: the second is returned once the first completed", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  const [first, second] = await within(Promise.all([thread.turn("first"), thread.turn("second")]), "two turn() calls");
  assert.notEqual(first.id, second.id);
  assert.equal((await first.run()).finalResponse, "echo: first");
  assert.equal((await second.run()).finalResponse, "echo: second");
});

test("an aborted queued turn sends nothing, and the turns around it run", async (t) => {
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: "slow first", eventDelayMs: 100 }] } } });
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const reason = new Error("changed my mind");
  const first = thread.run("first");
  const queued = thread.turn("never sent", { signal: controller.signal });
  const third = thread.run("third");
  controller.abort(reason);
  assert.equal(await rejectionOf(queued), reason);
  assert.equal((await first).finalResponse, "slow first");
  assert.equal((await third).finalResponse, "echo: third");
  const sent = env.model.responseRequests.flatMap((request) => userTexts(request));
  assert.ok(!sent.includes("never sent"), "the aborted turn reached no model call");
  const { thread: stored } = await thread.read({ includeTurns: true });
  assert.equal(stored.turns.length, 2, "the runtime stored only the two turns that ran");
});

test("a turn left with break still holds its thread: the next turn waits for its turn/completed and gets its own answer", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: "a long first answer in many words", eventDelayMs: 30 }] } } });
  const thread = await codex.threadStart();
  const first = await thread.turn("first");
  for await (const notification of first) if (notification.method === "item/agentMessage/delta") break;
  const next = await within(thread.run("second"), "the turn after a break");
  assert.equal(next.status, "completed");
  assert.equal(next.finalResponse, "echo: second");
  assert.notEqual(next.id, first.id);
});

test("a turn/start answered with the id of a turn already routed rejects with ThreadBusyError within a second", async (t) => {
  const sameTurn = { threadId: "$threadId", turn: { id: "turn-shared", status: "inProgress" } };
  const { codex } = standInCodex(t, {
    script: { "turn/start": [{ answer: { turn: { id: "turn-shared", status: "inProgress" } } }, { send: { method: "turn/started", params: sameTurn } }] },
  });
  const [one, two] = await Promise.all([codex.threadStart(), codex.threadStart()]);
  const first = await one.turn("first");
  assert.equal(first.id, "turn-shared");
  const startedAt = performance.now();
  const error = await within(rejectionOf(two.turn("second")), "the busy answer");
  assert.ok(error instanceof ThreadBusyError, String(error));
  assert.equal(error.threadId, two.id);
  assert.equal(error.activeTurnId, "turn-shared");
  assert.ok(performance.now() - startedAt < 1000);
  // The first handle keeps its turn: it is not taken over by the joined start.
  await first.interrupt();
  assert.equal((await within(first.run(), "the first turn")).status, "interrupted");
});

test("a turn/start answered with the id of a turn this client did not start rejects with ThreadBusyError", async (t) => {
  const foreign = { threadId: "$threadId", turn: { id: "turn-by-runtime", status: "inProgress" } };
  const { codex } = standInCodex(t, {
    script: {
      "thread/start": ["answer", { send: { method: "turn/started", params: foreign } }],
      "turn/start": [{ answer: { turn: { id: "turn-by-runtime", status: "inProgress" } } }],
    },
  });
  // The thread/start answer comes before the runtime's own turn/started; wait for that to be seen.
  const notifications = codex.notifications()[Symbol.asyncIterator]();
  const thread = await codex.threadStart();
  for (let next = await within(notifications.next(), "the runtime's own turn"); !next.done; next = await within(notifications.next(), "the runtime's own turn")) {
    if (next.value.method === "turn/started") break;
  }
  await notifications.return?.();
  const error = await within(rejectionOf(thread.turn("mine")), "the busy answer");
  assert.ok(error instanceof ThreadBusyError, String(error));
  assert.equal(error.activeTurnId, "turn-by-runtime");
  assert.equal(codex.activeTurnRoutes, 0);
});
