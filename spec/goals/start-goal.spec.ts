// Faults of the goal machinery the real runtime does not produce, on the stand-in runtime.
import assert from "node:assert/strict";
import { test } from "node:test";
import { standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";

const goal = (status: string) => ({ threadId: "thread-1", objective: "o", status, tokenBudget: null, tokensUsed: 0, timeUsedSeconds: 0, createdAt: 0, updatedAt: 0 });

test("a goal whose runtime starts no continuation and sends no status change still ends: the SDK asks for the goal's status", async (t) => {
  const turn = (status: string) => ({ threadId: "$threadId", turn: { id: "goal-turn-1", status, error: null, items: [], startedAt: 1, completedAt: 2, durationMs: 1000 } });
  const { codex } = standInCodex(t, {
    script: {
      "thread/goal/get": [{ answer: { goal: goal("complete") } }],
      "thread/read": [{ answer: { thread: { id: "thread-1", status: { type: "idle" } } } }],
      "thread/goal/clear": [{ answer: { cleared: false } }],
      "thread/goal/set": [
        { answer: { goal: goal("active") } },
        { send: { method: "turn/started", params: turn("inProgress") } },
        { send: { method: "turn/completed", params: turn("completed") } },
      ],
    },
  });
  const thread = await codex.threadStart();
  const startedAt = performance.now();
  const result = await within(thread.runGoal("finish somehow"), "the goal without a continuation");
  assert.equal(result.goal?.status, "complete");
  assert.deepEqual(result.turnIds, ["goal-turn-1"]);
  assert.equal(codex.activeTurnRoutes, 0);
  t.diagnostic(`ended ${(performance.now() - startedAt).toFixed(0)} ms after the start, by asking thread/goal/get`);
});
