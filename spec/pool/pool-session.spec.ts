// What a pool thread's turns, reviews and goals count on the member that runs them (stats(), and
// "least loaded" for new threads), and that a drain waits for them, on real runtimes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { CodexPool, type PoolMemberStats, type Thread } from "../../lib/index.js";
import { createOfflineEnvironment, type OfflineEnvironmentOptions } from "../../lib/testing/index.js";
import { within } from "../support/assertions.js";

const LONG_MS = 60_000;

/** A pool of `spawn` members on one fresh offline environment; both are closed after the test. */
async function offlinePool(t: TestContext, spawn: number, environment: OfflineEnvironmentOptions) {
  const env = await createOfflineEnvironment(environment);
  const errors: Error[] = [];
  const pool = new CodexPool({ spawn, ...env.options, onError: (error) => errors.push(error) });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  return { env, pool, errors };
}

/** The counters of the member holding `thread`. */
function statsOf(pool: CodexPool, thread: Thread): Pick<PoolMemberStats, "turnsRunning" | "turnsDone"> {
  const member = pool.stats().find((candidate) => candidate.id === pool.memberOf(thread));
  assert.ok(member, `no member holds ${thread.id}`);
  return { turnsRunning: member.turnsRunning, turnsDone: member.turnsDone };
}

test("a goal on a pool thread counts as one running turn on its member across its continuation, weighs in placement, and as one turn done when it ends", async (t) => {
  const { env, pool, errors } = await offlinePool(t, 2, { goals: true, model: { replies: [{ type: "text", text: "first turn" }, { type: "hang" }] } });
  const threads: Thread[] = [];
  for (let index = 0; index < 3; index += 1) threads.push(await pool.threadStart());
  // Three threads on two members: the one alone on its member runs the goal.
  const alone = threads.find((thread) => threads.filter((other) => pool.memberOf(other) === pool.memberOf(thread)).length === 1);
  assert.ok(alone, `threads per member: ${pool.stats().map((member) => member.threads).join(", ")}`);
  const goalMember = pool.memberOf(alone);
  const otherMember = pool.stats().find((member) => member.id !== goalMember)?.id;

  const continuation = (async () => {
    await env.model.nextResponseRequest();
    await env.model.nextResponseRequest();
  })();
  const goal = await alone.startGoal("Work until interrupted");
  await within(continuation, "the goal's continuation turn at the model", LONG_MS);
  assert.deepEqual(statsOf(pool, alone), { turnsRunning: 1, turnsDone: 0 });

  // The goal's member holds fewer threads, but runs a turn: the new thread goes to the other one.
  const placed = await pool.threadStart();
  assert.equal(pool.memberOf(placed), otherMember);

  await goal.interrupt();
  const result = await within(goal.run(), "the interrupted goal", LONG_MS);
  assert.equal(result.status, "interrupted");
  assert.equal(result.turnIds.length, 2, "the runtime ran two turns for the goal");
  assert.deepEqual(statsOf(pool, alone), { turnsRunning: 0, turnsDone: 1 });
  assert.deepEqual(errors, []);
});

test("a review on a pool thread counts as a running turn on its member while the reviewer works, and as a turn done after", async (t) => {
  const { env, pool, errors } = await offlinePool(t, 1, {
    // The reviewer's model calls hang (they carry `x-openai-subagent: review`); other turns get the echo.
    model: { defaultReply: (request) => (request.headers["x-openai-subagent"] === "review" ? { type: "hang" } : { type: "text", text: "echo" }) },
  });
  const git = (...args: string[]): void => void execFileSync("git", ["-c", "user.email=sdk@example.invalid", "-c", "user.name=sdk", ...args], { cwd: env.workdir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "initial");
  await writeFile(join(env.workdir, "calc.py"), "def add(a, b):\n    return a - b\n");
  const thread = await pool.threadStart();
  await thread.run("a turn first");
  assert.deepEqual(statsOf(pool, thread), { turnsRunning: 0, turnsDone: 1 });

  const reviewerCalled = env.model.nextResponseRequest();
  const review = await thread.review({ type: "uncommittedChanges" });
  await within(reviewerCalled, "the reviewer's model call", LONG_MS);
  assert.deepEqual(statsOf(pool, thread), { turnsRunning: 1, turnsDone: 1 });

  await review.interrupt();
  assert.equal((await within(review.run(), "the interrupted review", LONG_MS)).status, "interrupted");
  assert.deepEqual(statsOf(pool, thread), { turnsRunning: 0, turnsDone: 2 });
  assert.deepEqual(errors, []);
});

test("draining a member waits for a goal running on it: the goal completes there, then its thread moves and runs on", async (t) => {
  const slowWords = Array.from({ length: 10 }, (_, index) => `word${index} `);
  const { env, pool, errors } = await offlinePool(t, 2, {
    goals: true,
    model: {
      // The goal's last turn streams for about a second, long after the drain began.
      replies: [{ type: "updateGoal", status: "complete" }, { type: "text", text: slowWords.join(""), deltas: slowWords, eventDelayMs: 100 }],
    },
  });
  const thread = await pool.threadStart();
  const drainedMember = pool.memberOf(thread);
  assert.ok(drainedMember);
  const modelCalled = env.model.nextResponseRequest();
  const goal = await thread.startGoal("Finish slowly");
  await within(modelCalled, "the goal's model call", LONG_MS);

  const drained = pool.drain(drainedMember);
  const result = await within(goal.run(), "the goal", LONG_MS);
  assert.equal(result.status, "completed");
  assert.equal(result.finalResponse, slowWords.join(""));
  await within(drained, "the drain", LONG_MS);
  assert.notEqual(pool.memberOf(thread), drainedMember);
  assert.equal(pool.stats().length, 1);
  assert.equal((await within(thread.run("after the move"), "a turn after the move", LONG_MS)).finalResponse, "echo: after the move");
  assert.deepEqual(errors, []);
});
