// The turn watchdog (turnIdleTimeoutMs): a turn that goes quiet is interrupted and fails with
// TurnTimeoutError instead of hanging its consumer forever.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type AsyncCodex, type Notification, TurnTimeoutError } from "../../lib/index.js";
import { rejectionOf } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex } from "../support/offline-codex.js";

const IDLE_MS = 300;

/** Resolves with the status of `turnId`'s turn/completed, as codex.notifications() sees it (listening from now on). */
function completionOf(codex: AsyncCodex, turnId: () => string): Promise<string> {
  const controller = new AbortController();
  return (async () => {
    for await (const notification of codex.notifications({ signal: controller.signal })) {
      if (notification.method === "turn/completed" && notification.params.turn.id === turnId()) {
        controller.abort();
        return notification.params.turn.status;
      }
    }
    throw new Error("notifications ended before the turn completed");
  })();
}

test("a turn whose model stream hangs is interrupted after turnIdleTimeoutMs and run() rejects with TurnTimeoutError", async (t) => {
  const { codex, env } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "hang" }, { type: "text", text: "back again" }] } },
    codex: { turnIdleTimeoutMs: IDLE_MS },
  });
  const thread = await codex.threadStart();
  let turnId = "";
  const interrupted = completionOf(codex, () => turnId);
  const turn = await thread.turn("hang");
  turnId = turn.id;
  const startedAt = performance.now();
  const error = await within(rejectionOf(turn.run()), "the watchdog");
  const firedMs = performance.now() - startedAt;
  assert.ok(error instanceof TurnTimeoutError, String(error));
  assert.equal(error.turnId, turn.id);
  assert.equal(error.idleMs, IDLE_MS);
  assert.equal(error.limit, "turnIdleTimeoutMs");
  assert.equal(error.timeoutMs, IDLE_MS);
  assert.match(error.message, /sent nothing for 300 ms \(turnIdleTimeoutMs\); it was interrupted/);
  // Timers may fire up to a millisecond early.
  assert.ok(firedMs >= IDLE_MS - 2, `fired after ${firedMs} ms`);

  // The SDK interrupted the turn on the runtime: it completes as interrupted and the model's stream is dropped.
  assert.equal(await within(interrupted, "the interrupted turn/completed"), "interrupted");
  await within(env.model.idle(), "the model stream to close");
  assert.equal(codex.activeTurnRoutes, 0);
  const next = await thread.run("are you there?");
  assert.equal(next.finalResponse, "back again");
  t.diagnostic(`watchdog fired ${firedMs.toFixed(0)} ms after turn/start (limit ${IDLE_MS} ms); next turn done ${(performance.now() - startedAt - firedMs).toFixed(0)} ms later`);
});

test("iterating a turn that goes quiet yields what arrived, then rejects with TurnTimeoutError", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "hang" }] } }, codex: { turnIdleTimeoutMs: IDLE_MS } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("hang");
  const seen: Notification[] = [];
  const error = await within(
    rejectionOf(
      (async () => {
        for await (const notification of turn) seen.push(notification);
      })(),
    ),
    "the watchdog",
  );
  assert.ok(error instanceof TurnTimeoutError, String(error));
  assert.equal(seen[0]?.method, "turn/started");
  assert.ok(seen.some((notification) => notification.method === "item/started" && notification.params.item.type === "agentMessage"));
  assert.ok(!seen.some((notification) => notification.method === "turn/completed"));
});

test("a slow but steady stream outlasting turnIdleTimeoutMs in total is not cut off", async (t) => {
  const text = "one two three four five six seven eight";
  const { codex } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "text", text, eventDelayMs: 150 }] } },
    codex: { turnIdleTimeoutMs: 1000 },
  });
  const thread = await codex.threadStart();
  const startedAt = performance.now();
  const result = await thread.run("slowly");
  assert.equal(result.status, "completed");
  assert.equal(result.finalResponse, text);
  assert.ok(performance.now() - startedAt > 1000, "the turn took longer than the idle limit in total");
});

test("turnTimeoutMs ends a turn that keeps streaming past it: interrupted, and TurnTimeoutError names the wall-clock limit", async (t) => {
  const words = Array.from({ length: 200 }, (_, index) => `w${index} `);
  const { codex } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "text", text: words.join(""), deltas: words, eventDelayMs: 20 }, { type: "text", text: "next one" }] } },
    // The idle watchdog alone would never fire: a notification comes every 20 ms.
    codex: { turnTimeoutMs: 400, turnIdleTimeoutMs: 300 },
  });
  const thread = await codex.threadStart();
  let turnId = "";
  const interrupted = completionOf(codex, () => turnId);
  const turn = await thread.turn("talk for long");
  turnId = turn.id;
  const startedAt = performance.now();
  const error = await within(rejectionOf(turn.run()), "the wall-clock limit");
  const firedMs = performance.now() - startedAt;
  assert.ok(error instanceof TurnTimeoutError, String(error));
  assert.equal(error.limit, "turnTimeoutMs");
  assert.equal(error.timeoutMs, 400);
  assert.match(error.message, /ran longer than 400 ms \(turnTimeoutMs\); it was interrupted/);
  assert.ok(firedMs >= 398, `fired after ${firedMs} ms`);
  assert.equal(await within(interrupted, "the interrupted turn/completed"), "interrupted");
  assert.equal((await thread.run("again")).finalResponse, "next one");
});

test("a turn's own turnTimeoutMs overrides the client's, and the idle limit still says it is the idle one", async (t) => {
  const { codex } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "hang" }] } },
    codex: { turnTimeoutMs: 60_000 },
  });
  const thread = await codex.threadStart();
  const own = await rejectionOf(thread.run("hang", { turnTimeoutMs: 200 }));
  assert.ok(own instanceof TurnTimeoutError && own.limit === "turnTimeoutMs" && own.timeoutMs === 200, String(own));
  const idle = new TurnTimeoutError("turn-1", 300);
  assert.equal(idle.limit, "turnIdleTimeoutMs");
  assert.equal(idle.idleMs, 300, "the old field keeps its meaning");
});
