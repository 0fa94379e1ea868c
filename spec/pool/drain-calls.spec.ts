// Calls on a thread whose member is being drained, while the thread's turn (or goal) does not end
// by itself: those that belong to the running work (interrupt, steer, pausing a goal) and those
// that only read or label the thread are answered at once by the member still holding it, instead
// of waiting for a move that waits for that very turn; new work waits for the move and runs on
// the member the thread went to. On real runtimes.
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { setImmediate } from "node:timers/promises";
import { CodexPool, type Thread } from "../../lib/index.js";
import { createOfflineEnvironment, type OfflineEnvironmentOptions, userTexts } from "../../lib/testing/index.js";
import { within } from "../support/assertions.js";

const LONG_MS = 60_000;
/** What "at once" means here: far below any turn's end, generous for a loaded machine. */
const PROMPT_MS = 5000;

/** A pool of two members on one fresh offline environment, with a thread that ran one turn; all closed after the test. */
async function drainablePool(t: TestContext, environment: OfflineEnvironmentOptions) {
  const env = await createOfflineEnvironment(environment);
  const errors: Error[] = [];
  const pool = new CodexPool({ spawn: 2, ...env.options, onError: (error) => errors.push(error) });
  // Ends what a failed test left waiting for the move, which would otherwise start a member again.
  const leftovers = new AbortController();
  t.after(async () => {
    leftovers.abort();
    await pool.close();
    await env.close();
  });
  const thread = await pool.threadStart();
  assert.equal((await within(thread.run("a first turn"), "the first turn", LONG_MS)).finalResponse, "first");
  const drainedMember = pool.memberOf(thread);
  assert.ok(drainedMember);
  return { env, pool, errors, thread, drainedMember, signal: leftovers.signal };
}

/**
 * Starts draining `memberId` and returns once its moves are under way: the drain sets them up
 * within the microtasks that follow the call, so a call made after this is made during the move.
 */
async function drainStarted(pool: CodexPool, memberId: string): Promise<{ drained: Promise<void> }> {
  const drained = pool.drain(memberId);
  await setImmediate();
  return { drained };
}

/** After the drain: the thread is on the other member, which ran the turn asked for during the drain, with the thread's history. */
async function assertMovedWithHistory(pool: CodexPool, thread: Thread, drainedMember: string, afterMove: Promise<string | null>): Promise<void> {
  assert.equal(await within(afterMove, "the turn asked for during the drain", LONG_MS), "echo: after the move");
  const home = pool.memberOf(thread);
  assert.ok(home !== undefined && home !== drainedMember, `the thread is on ${home}`);
  assert.deepEqual(pool.stats().map((member) => [member.id, member.turnsRunning, member.turnsDone]), [[home, 0, 1]]);
  const { thread: stored } = await thread.read({ includeTurns: true });
  assert.deepEqual(stored.turns.map((turn) => turn.status), ["completed", "interrupted", "completed"]);
}

test("interrupting a hanging turn whose member is being drained resolves at once; the turn ends interrupted, the drain completes, and the thread runs on the other member", async (t) => {
  const { env, pool, errors, thread, drainedMember, signal } = await drainablePool(t, { model: { replies: [{ type: "text", text: "first" }, { type: "hang" }] } });
  const modelCalled = env.model.nextResponseRequest();
  const turn = await thread.turn("hang until interrupted");
  await within(modelCalled, "the hanging turn's model call", LONG_MS);

  const { drained } = await drainStarted(pool, drainedMember);
  // New work waits for the move, which waits for the hanging turn.
  const afterMove = thread.run("after the move", { signal }).then((result) => result.finalResponse);
  await within(turn.interrupt(), "the interrupt", PROMPT_MS);
  assert.equal((await within(turn.run(), "the interrupted turn", LONG_MS)).status, "interrupted");
  await within(drained, "the drain", LONG_MS);
  await assertMovedWithHistory(pool, thread, drainedMember, afterMove);
  assert.deepEqual(errors, []);
});

test("steering a running turn whose member is being drained resolves while the turn runs and lands in that turn; the drain then completes", async (t) => {
  const words = Array.from({ length: 20 }, (_, index) => `part${index} `);
  const { env, pool, errors, thread, drainedMember } = await drainablePool(t, {
    // The turn streams for about four seconds, then answers the steered input.
    model: { replies: [{ type: "text", text: "first" }, { type: "text", text: words.join(""), deltas: words, eventDelayMs: 200 }, { type: "text", text: "steered answer" }] },
  });
  const modelCalled = env.model.nextResponseRequest();
  const turn = await thread.turn("stream slowly");
  await within(modelCalled, "the slow turn's model call", LONG_MS);
  let turnEnded = false;
  const result = turn.run().finally(() => {
    turnEnded = true;
  });

  const { drained } = await drainStarted(pool, drainedMember);
  const steered = await within(turn.steer("also consider this"), "the steer", PROMPT_MS);
  assert.equal(turnEnded, false, "the steer waited for the turn to end");
  assert.equal(steered.turnId, turn.id);
  const { status, finalResponse } = await within(result, "the steered turn", LONG_MS);
  assert.deepEqual([status, finalResponse], ["completed", "steered answer"]);
  const steeredRequest = env.model.responseRequests.at(-1);
  assert.ok(steeredRequest && userTexts(steeredRequest).includes("also consider this"), "the turn's last model call carries the steered input");
  await within(drained, "the drain", LONG_MS);
  assert.notEqual(pool.memberOf(thread), drainedMember);
  assert.equal((await within(thread.run("after the move"), "a turn after the move", LONG_MS)).finalResponse, "echo: after the move");
  assert.deepEqual(errors, []);
});

test("resuming, reading and labelling a thread whose member is being drained are answered at once by that member while its turn hangs; a turn asked for meanwhile runs after the move", async (t) => {
  const { env, pool, errors, thread, drainedMember, signal } = await drainablePool(t, { model: { replies: [{ type: "text", text: "first" }, { type: "hang" }] } });
  const modelCalled = env.model.nextResponseRequest();
  const turn = await thread.turn("hang until interrupted");
  await within(modelCalled, "the hanging turn's model call", LONG_MS);

  const { drained } = await drainStarted(pool, drainedMember);
  const afterMove = thread.run("after the move", { signal }).then((result) => result.finalResponse);
  const resumed = await within(pool.threadResume(thread.id), "threadResume during the drain", PROMPT_MS);
  const { thread: read } = await within(resumed.read(), "a read during the drain", PROMPT_MS);
  assert.equal(read.status.type, "active");
  await within(thread.setName("named during the drain"), "setName during the drain", PROMPT_MS);
  await within(thread.updateMetadata({ gitInfo: { branch: "feature/drain" } }), "updateMetadata during the drain", PROMPT_MS);
  const turnIds: string[] = [];
  for await (const stored of thread.turns()) turnIds.push(stored.id);
  assert.equal(turnIds[0], turn.id);
  assert.equal(pool.memberOf(thread), drainedMember);

  await within(turn.interrupt(), "the interrupt", PROMPT_MS);
  await within(drained, "the drain", LONG_MS);
  await assertMovedWithHistory(pool, thread, drainedMember, afterMove);
  const { thread: moved } = await thread.read();
  assert.deepEqual([moved.name, moved.gitInfo?.branch], ["named during the drain", "feature/drain"]);
  assert.deepEqual(errors, []);
});

test("pausing and interrupting a goal whose member is being drained resolve at once; the goal ends interrupted and its thread moves", async (t) => {
  const { env, pool, errors, thread, drainedMember, signal } = await drainablePool(t, { goals: true, model: { replies: [{ type: "text", text: "first" }, { type: "hang" }] } });
  const modelCalled = env.model.nextResponseRequest();
  const goal = await thread.startGoal("Think until interrupted");
  await within(modelCalled, "the goal's model call", LONG_MS);

  const { drained } = await drainStarted(pool, drainedMember);
  const afterMove = thread.run("after the move", { signal }).then((result) => result.finalResponse);
  assert.equal((await within(thread.getGoal(), "getGoal during the drain", PROMPT_MS))?.status, "active");
  assert.equal((await within(thread.setGoal({ status: "paused" }), "pausing the goal during the drain", PROMPT_MS)).status, "paused");
  await within(goal.interrupt(), "the goal's interrupt", PROMPT_MS);
  const result = await within(goal.run(), "the interrupted goal", LONG_MS);
  assert.equal(result.status, "interrupted");
  await within(drained, "the drain", LONG_MS);
  await assertMovedWithHistory(pool, thread, drainedMember, afterMove);
  assert.deepEqual(errors, []);
});
