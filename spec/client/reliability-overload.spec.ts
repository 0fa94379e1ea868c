// Overload and backpressure: excess calls wait for a slot instead of failing or vanishing, and a
// turn nobody reads never holds up the others.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type Notification, retryOnOverload, ServerBusyError } from "../../lib/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { standInCodex } from "../fixtures/stand-in.js";
import { offlineCodex } from "../support/offline-codex.js";

interface Stats {
  maxOutstanding: number;
  received: Record<string, number>;
}

for (const [calls, limit] of [
  [2000, undefined],
  [500, 4],
] as const) {
  test(`${calls} concurrent account() calls with maxInFlightRequests ${limit ?? "at its default of 32"} all succeed with their own replies, never more than that many at the runtime`, async (t) => {
    const { codex, errors } = standInCodex(t, {
      // Random reply delays keep requests outstanding and answer them out of order.
      env: { STANDIN_REPLY_DELAY_MS: "3" },
      codex: limit === undefined ? {} : { maxInFlightRequests: limit },
    });
    const startedAt = performance.now();
    const results = await Promise.all(Array.from({ length: calls }, () => codex.account()));
    const ms = performance.now() - startedAt;
    const requestIds = results.map((result) => (result as unknown as { requestId: number }).requestId);
    assert.equal(new Set(requestIds).size, calls, "every call got the answer to its own request");
    const { stats } = (await codex.models()) as unknown as { stats: Stats };
    assert.equal(stats.received["account/read"], calls, "each call was sent exactly once");
    assert.ok(stats.maxOutstanding <= (limit ?? 32), `${stats.maxOutstanding} requests were outstanding at once`);
    assert.ok(stats.maxOutstanding > 1, "the requests did run concurrently");
    assert.deepEqual(errors, []);
    t.diagnostic(`${calls} calls in ${ms.toFixed(0)} ms, at most ${stats.maxOutstanding} outstanding`);
  });
}

test("retryOnOverload turns a burst that overflows the runtime's queue into all-successful results, each call with its own reply", async (t) => {
  // The stand-in answers -32001 past 128 requests at once, as the runtime's inbound queue does;
  // Replies taking up to 100 ms keep the first 128 outstanding while the rest of the 300 in flight arrive.
  const retried: unknown[] = [];
  const { codex, errors } = standInCodex(t, { env: { STANDIN_QUEUE_CAPACITY: "128", STANDIN_REPLY_DELAY_MS: "100" }, codex: { maxInFlightRequests: 300 } });
  const results = await Promise.all(
    Array.from({ length: 1000 }, () =>
      retryOnOverload(() => codex.account(), { retries: 10, minTimeout: 20, maxTimeout: 200, onFailedAttempt: ({ error }) => void retried.push(error) }),
    ),
  );
  const requestIds = results.map((result) => (result as unknown as { requestId: number }).requestId);
  assert.equal(new Set(requestIds).size, 1000, "every call got the answer to its own request");
  assert.ok(retried.length > 0, "the burst overflowed the queue");
  assert.ok(retried.every((error) => error instanceof ServerBusyError && error.code === -32001), "only overload errors were retried");
  const { stats } = (await codex.models()) as unknown as { stats: Stats };
  assert.equal(stats.received["account/read"], 1000 + retried.length, "each retry sent the request once more");
  assert.deepEqual(errors, []);
  t.diagnostic(`${retried.length} overload errors retried`);
});

test("a turn whose consumer stopped reading does not stall turns on other threads, and later yields everything it buffered", async (t) => {
  const words = Array.from({ length: 300 }, (_, index) => `word${index} `);
  const text = words.join("");
  const { codex } = await offlineCodex(t, {
    environment: { model: { defaultReply: (request) => (userTexts(request).at(-1) === "stall me" ? { type: "text", text, deltas: words } : { type: "text", text: "quick" }) } },
  });
  const [stalled, busy] = await Promise.all([codex.threadStart(), codex.threadStart()]);
  const turn = await stalled.turn("stall me");
  const iterator = turn[Symbol.asyncIterator]();
  const first = await iterator.next();
  assert.equal(first.done, false);

  // The stalled consumer holds its iterator and reads nothing while another thread runs turns.
  const startedAt = performance.now();
  for (let index = 0; index < 3; index += 1) assert.equal((await busy.run(`turn ${index}`)).finalResponse, "quick");
  const othersMs = performance.now() - startedAt;

  const rest: Notification[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
  const deltas = rest.flatMap((notification) => (notification.method === "item/agentMessage/delta" ? [notification.params.delta] : []));
  assert.equal(deltas.join(""), text, "every delta, in order");
  assert.equal(rest.at(-1)?.method, "turn/completed");
  assert.equal(codex.activeTurnRoutes, 0);
  t.diagnostic(`3 turns on another thread took ${othersMs.toFixed(0)} ms while ${rest.length} notifications waited for the stalled consumer`);
});
