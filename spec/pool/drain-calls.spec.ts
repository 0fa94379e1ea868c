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

/**
 * On a pool of two members: a thread runs a first turn, then `start` begins work on it that calls
 * the model, and its member is drained while that work runs; a turn is asked for meanwhile
 * (`afterMove`, its answer), which waits for the move. The drain sets its moves up within the
 * microtasks that follow `drain()`, so whatever the test calls after this runs during the move.
 */
async function drainWhileRunning<Work>(t: TestContext, environment: OfflineEnvironmentOptions, start: (thread: Thread) => Promise<Work>) {
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
  const modelCalled = env.model.nextResponseRequest();
  const work = await start(thread);
  await within(modelCalled, "the running work's model call", LONG_MS);

  const drained = pool.drain(drainedMember);
  await setImmediate();
  const afterMove = thread.run("after the move", { signal: leftovers.signal }).then((result) => result.finalResponse);
  return { env, pool, errors, thread, drainedMember, work, drained, afterMove };
}

/** After the drain: the thread is on the other member, which ran the turn asked for during the drain, with the thread's history. */
async function assertMovedWithHistory(
  { pool, thread, drainedMember, drained, afterMove }: { pool: CodexPool; thread: Thread; drainedMember: string; drained: Promise<void>; afterMove: Promise<string | null> },
  runningWorkStatus: string,
): Promise<void> {
  await within(drained, "the drain", LONG_MS);
  assert.equal(await within(afterMove, "the turn asked for during the drain", LONG_MS), "echo: after the move");
  const home = pool.memberOf(thread);
  assert.ok(home !== undefined && home !== drainedMember, `the thread is on ${home}`);
  assert.deepEqual(pool.stats().map((member) => [member.id, member.turnsRunning, member.turnsDone]), [[home, 0, 1]]);
  const { thread: stored } = await thread.read({ includeTurns: true });
  assert.deepEqual(stored.turns.map((turn) => turn.status), ["completed", runningWorkStatus, "completed"]);
}

const HANG: OfflineEnvironmentOptions = { model: { replies: [{ type: "text", text: "first" }, { type: "hang" }] } };

test("interrupting a hanging turn whose member is being drained resolves at once; the turn ends interrupted, the drain completes, and the thread runs on the other member", async (t) => {
  const drain = await drainWhileRunning(t, HANG, (thread) => thread.turn("hang until interrupted"));
  const turn = drain.work;
  await within(turn.interrupt(), "the interrupt", PROMPT_MS);
  assert.equal((await within(turn.run(), "the interrupted turn", LONG_MS)).status, "interrupted");
  await assertMovedWithHistory(drain, "interrupted");
  assert.deepEqual(drain.errors, []);
});

test("steering a running turn whose member is being drained resolves while the turn runs and lands in that turn; the drain then completes", async (t) => {
  const words = Array.from({ length: 20 }, (_, index) => `part${index} `);
  // The turn streams for about four seconds, then answers the steered input.
  const slowThenSteered: OfflineEnvironmentOptions = {
    model: { replies: [{ type: "text", text: "first" }, { type: "text", text: words.join(""), deltas: words, eventDelayMs: 200 }, { type: "text", text: "steered answer" }] },
  };
  const drain = await drainWhileRunning(t, slowThenSteered, (thread) => thread.turn("stream slowly"));
  const turn = drain.work;
  let turnEnded = false;
  const result = turn.run().finally(() => {
    turnEnded = true;
  });
  const steered = await within(turn.steer("also consider this"), "the steer", PROMPT_MS);
  assert.equal(turnEnded, false, "the steer waited for the turn to end");
  assert.equal(steered.turnId, turn.id);
  const { status, finalResponse } = await within(result, "the steered turn", LONG_MS);
  assert.deepEqual([status, finalResponse], ["completed", "steered answer"]);
  // Replies are served in order: the turn's answer came from the third model call, sent for the steered input.
  assert.equal(userTexts(drain.env.model.responseRequests[2] ?? assert.fail("no third model call")).at(-1), "also consider this");
  await assertMovedWithHistory(drain, "completed");
  assert.deepEqual(drain.errors, []);
});

test("resuming, reading and labelling a thread whose member is being drained are answered at once by that member while its turn hangs; a turn asked for meanwhile runs after the move", async (t) => {
  const drain = await drainWhileRunning(t, HANG, (thread) => thread.turn("hang until interrupted"));
  const { pool, thread, drainedMember, work: turn } = drain;
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
  await assertMovedWithHistory(drain, "interrupted");
  const { thread: moved } = await thread.read();
  assert.deepEqual([moved.name, moved.gitInfo?.branch], ["named during the drain", "feature/drain"]);
  assert.deepEqual(drain.errors, []);
});

test("pausing and interrupting a goal whose member is being drained resolve at once; the goal ends interrupted and its thread moves", async (t) => {
  const drain = await drainWhileRunning(t, { ...HANG, goals: true }, (thread) => thread.startGoal("Think until interrupted"));
  const { thread, work: goal } = drain;
  assert.equal((await within(thread.getGoal(), "getGoal during the drain", PROMPT_MS))?.status, "active");
  assert.equal((await within(thread.setGoal({ status: "paused" }), "pausing the goal during the drain", PROMPT_MS)).status, "paused");
  await within(goal.interrupt(), "the goal's interrupt", PROMPT_MS);
  assert.equal((await within(goal.run(), "the interrupted goal", LONG_MS)).status, "interrupted");
  await assertMovedWithHistory(drain, "interrupted");
  assert.deepEqual(drain.errors, []);
});
