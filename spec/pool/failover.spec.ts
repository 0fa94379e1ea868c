// CodexPool when members go away: a member SIGKILLed mid-run (open turns reject, the member is
// restarted, its threads continue elsewhere with their history), and a member drained while
// turns run (they finish, its threads move, its process is gone).
import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "valibot";
import { AsyncCodex, CodexPool, type Thread, ThreadOwnedElsewhereError, TransportClosedError, type TurnResult, tool } from "../../lib/index.js";
import { createOfflineEnvironment, type FakeModel, type FakeReply, functionCallOutputs, type RecordedRequest, userTexts } from "../../lib/testing/index.js";
import { within } from "../support/assertions.js";
import { processExists, runtimePids } from "../support/offline-codex.js";

const LONG_MS = 60_000;

/** Answers with every user text the model was sent for the thread, so an answer shows the history; "slow" turns stream for about a second. */
function echoHistory(request: RecordedRequest): FakeReply {
  const texts = userTexts(request);
  const text = `seen: ${texts.join(" | ")}`;
  if (!texts.at(-1)?.includes("slow")) return { type: "text", text };
  const words = text.split(/(?<= )/);
  return { type: "text", text, deltas: words, eventDelayMs: Math.ceil(1000 / words.length) };
}

/** Resolves once the model has received `count` requests whose last user text contains `marker`. */
async function requestsArrived(model: FakeModel, marker: string, count: number): Promise<void> {
  const matching = (): number => model.responseRequests.filter((request) => userTexts(request).at(-1)?.includes(marker)).length;
  while (matching() < count) await model.nextResponseRequest();
}

function pidOf(pool: CodexPool, memberId: string): number {
  const pid = pool.stats().find((member) => member.id === memberId)?.pid;
  assert.ok(pid !== undefined, `${memberId} has no pid`);
  return pid;
}

test("SIGKILL of a member mid-run: its open turns reject within a second, it is restarted, and its threads run their next turn on a healthy member with full history, each held by one member", async (t) => {
  const env = await createOfflineEnvironment({ model: { defaultReply: echoHistory } });
  const errors: Error[] = [];
  const pool = new CodexPool({ spawn: 3, ...env.options, onError: (error) => errors.push(error) });
  const outsider = new AsyncCodex({ ...env.options });
  t.after(async () => {
    await outsider.close();
    await pool.close();
    await env.close();
  });
  const threads = await within(Promise.all(Array.from({ length: 6 }, () => pool.threadStart())), "6 thread starts", LONG_MS);
  await within(Promise.all(threads.map((thread, index) => thread.run(`t${index} first`))), "first turns", LONG_MS);
  const victim = "member-1";
  const victimPid = pidOf(pool, victim);
  const onVictim = new Set(threads.filter((thread) => pool.memberOf(thread) === victim));
  assert.equal(onVictim.size, 2);
  const homes = new Map(threads.map((thread) => [thread, pool.memberOf(thread)]));

  const turns = await Promise.all(threads.map((thread, index) => thread.turn(`t${index} slow second`)));
  // A victim's thread runs its next turn as soon as the open one rejected: before its member is back.
  const nextTurns: Array<Promise<{ result: TurnResult; member: string | undefined }>> = [];
  const outcomes = turns.map((turn, index) => turn.run().then(
    (result) => ({ result, at: performance.now() }),
    (error: unknown) => {
      const rejectedAt = performance.now();
      nextTurns[index] = (threads[index] as Thread).run(`t${index} third`).then((result) => {
        t.diagnostic(`t${index}: resumed elsewhere and answered ${(performance.now() - rejectedAt).toFixed(0)} ms after its turn rejected`);
        return { result, member: pool.memberOf(result.threadId) };
      });
      return { error, at: performance.now() };
    },
  ));
  await within(requestsArrived(env.model, "slow", 6), "6 slow turns at the model", LONG_MS);
  const killedAt = performance.now();
  process.kill(victimPid, "SIGKILL");
  const settled = await within(Promise.all(outcomes), "the second turns", LONG_MS);

  settled.forEach((outcome, index) => {
    const thread = threads[index] as Thread;
    if (onVictim.has(thread)) {
      assert.ok("error" in outcome && outcome.error instanceof TransportClosedError, `t${index}: ${JSON.stringify(outcome)}`);
      assert.equal(outcome.error.signal, "SIGKILL");
      assert.ok(outcome.at - killedAt < 1000, `t${index} rejected after ${(outcome.at - killedAt).toFixed(0)} ms`);
    } else {
      assert.ok("result" in outcome, `t${index}: ${String("error" in outcome && outcome.error)}`);
      assert.equal(outcome.result.finalResponse, `seen: t${index} first | t${index} slow second`);
    }
  });
  const rejectedMs = Math.max(...settled.filter((outcome) => "error" in outcome).map((outcome) => outcome.at - killedAt));

  // The same Thread objects: the victim's threads were resumed on healthy members at their next turn.
  const thirds = await within(
    Promise.all(threads.map((thread, index) => nextTurns[index] ?? thread.run(`t${index} third`).then((result) => ({ result, member: pool.memberOf(thread) })))),
    "third turns",
    LONG_MS,
  );
  thirds.forEach((third, index) => {
    const { result, member } = third;
    const thread = threads[index] as Thread;
    const texts = (result.finalResponse ?? "").replace(/^seen: /, "").split(" | ");
    assert.equal(texts[0], `t${index} first`, result.finalResponse ?? "");
    assert.equal(texts.at(-1), `t${index} third`, result.finalResponse ?? "");
    if (onVictim.has(thread)) {
      assert.ok(member !== undefined && member !== victim, `t${index} ran its next turn on ${member}`);
    } else {
      assert.equal(result.finalResponse, `seen: t${index} first | t${index} slow second | t${index} third`);
      assert.equal(member, homes.get(thread), `t${index} moved although its member lived`);
    }
  });
  const victimThird = thirds[threads.indexOf([...onVictim][0] as Thread)];
  t.diagnostic(`victim's threads moved to: ${[...onVictim].map((thread) => pool.memberOf(thread)).join(", ")}; one answered "${victimThird?.result.finalResponse}"`);

  await within(pool.start(), "the victim's restart", LONG_MS);
  const stats = pool.stats();
  const restarted = stats.find((member) => member.id === victim);
  assert.equal(restarted?.state, "up");
  assert.equal(restarted?.restarts, 1);
  assert.ok(restarted?.pid !== undefined && restarted.pid !== victimPid && !processExists(victimPid));
  assert.equal(stats.reduce((sum, member) => sum + member.threads, 0), 6);
  assert.equal((await runtimePids()).length, 3);

  // One writer each: the runtime refuses a runtime outside the pool, and the pool routes to the holder.
  for (const thread of threads) {
    assert.ok(pool.memberOf(thread) !== undefined);
    await assert.rejects(outsider.threadResume(thread.id), (error: unknown) => ThreadOwnedElsewhereError.isActiveWriterRefusal(error));
  }
  assert.ok(errors.every((error) => error instanceof TransportClosedError), errors.join("\n"));
  t.diagnostic(`open turns rejected ${rejectedMs.toFixed(0)} ms after SIGKILL`);
});

test("draining a member while turns run: the turns finish, its threads move, later turns on them succeed with history, and its process is gone", async (t) => {
  const env = await createOfflineEnvironment({ model: { defaultReply: echoHistory } });
  const errors: Error[] = [];
  const pool = new CodexPool({ spawn: 2, ...env.options, onError: (error) => errors.push(error) });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const threads = await within(Promise.all(Array.from({ length: 4 }, () => pool.threadStart())), "4 thread starts", LONG_MS);
  await within(Promise.all(threads.map((thread, index) => thread.run(`d${index} first`))), "first turns", LONG_MS);
  const drainedPid = pidOf(pool, "member-1");
  const moving = threads.filter((thread) => pool.memberOf(thread) === "member-1");
  assert.equal(moving.length, 2);

  const turns = await Promise.all(threads.map((thread, index) => thread.turn(`d${index} slow second`)));
  const results = Promise.all(turns.map((turn) => turn.run()));
  await within(requestsArrived(env.model, "slow", 4), "4 slow turns at the model", LONG_MS);
  const drained = pool.drain("member-1");
  assert.equal(pool.stats()[0]?.state, "draining");
  // A read during the drain is answered by the member still holding the thread (see drain-calls.spec.ts).
  const readDuringDrain = (moving[0] as Thread).read();

  const seconds = await within(results, "the second turns", LONG_MS);
  const turnsEndedAt = performance.now();
  seconds.forEach((result, index) => assert.equal(result.finalResponse, `seen: d${index} first | d${index} slow second`));
  await within(drained, "the drain", LONG_MS);
  t.diagnostic(`handover of 2 threads and close took ${(performance.now() - turnsEndedAt).toFixed(0)} ms after the turns ended`);
  assert.equal((await within(readDuringDrain, "a read during the drain")).thread.id, moving[0]?.id);

  const stats = pool.stats();
  assert.deepEqual(stats.map((member) => [member.id, member.threads, member.turnsRunning]), [["member-2", 4, 0]]);
  assert.ok(!processExists(drainedPid));
  assert.deepEqual(await runtimePids(), [stats[0]?.pid]);
  for (const thread of moving) {
    const index = threads.indexOf(thread);
    assert.equal(pool.memberOf(thread), "member-2");
    const result = await within(thread.run(`d${index} third`), "a turn after the move");
    assert.equal(result.finalResponse, `seen: d${index} first | d${index} slow second | d${index} third`);
  }
  assert.deepEqual(errors, []);

  // The pool grows again, and new threads go to the idle newcomer.
  assert.equal(pool.add(), "member-3");
  const fresh = await pool.threadStart();
  assert.equal(pool.memberOf(fresh), "member-3");
  assert.equal((await fresh.run("new")).finalResponse, "seen: new");
});

test("with failover off, a dead member's thread waits for that member's restart and resumes there, with history", async (t) => {
  const env = await createOfflineEnvironment({ model: { defaultReply: echoHistory } });
  const pool = new CodexPool({ spawn: 2, failover: false, ...env.options });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const [thread] = await Promise.all([pool.threadStart(), pool.threadStart()]);
  assert.ok(thread);
  await thread.run("f first");
  const home = pool.memberOf(thread) as string;
  const pid = pidOf(pool, home);
  const turn = await thread.turn("f slow second");
  const outcome = turn.run();
  await within(requestsArrived(env.model, "slow", 1), "the slow turn at the model", LONG_MS);
  process.kill(pid, "SIGKILL");
  await assert.rejects(within(outcome, "the open turn"), TransportClosedError);

  const result = await within(thread.run("f third"), "the turn after the restart", LONG_MS);
  assert.equal(result.finalResponse, "seen: f first | f slow second | f third");
  assert.equal(pool.memberOf(thread), home);
  const member = pool.stats().find((stats) => stats.id === home);
  assert.equal(member?.restarts, 1);
  assert.ok(member?.pid !== undefined && member.pid !== pid);
});

test("a member that cannot start is skipped: new threads go to the healthy member, and the failure is reported", async (t) => {
  const env = await createOfflineEnvironment();
  const errors: Error[] = [];
  const pool = new CodexPool({ members: [{ ...env.options, codexBin: "/nonexistent/codex" }, env.options], onError: (error) => errors.push(error) });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const threads = await Promise.all([pool.threadStart(), pool.threadStart()]);
  assert.deepEqual(threads.map((thread) => pool.memberOf(thread)), ["member-2", "member-2"]);
  assert.equal((await threads[0]?.run("hi"))?.finalResponse, "echo: hi");
  const [broken] = pool.stats();
  assert.ok(broken?.state === "down" || broken?.state === "starting", broken?.state);
  assert.ok(errors.length >= 1 && errors.every((error) => error.name === "CodexNotFoundError"), errors.join("\n"));
});

test("a thread's client-side tools go with it: after its member died, its next turn calls them on another member, and a fork elsewhere keeps them", async (t) => {
  const calls: string[] = [];
  const lookup = tool({
    name: "lookup",
    description: "Looks a word up",
    parameters: v.object({ word: v.string() }),
    execute: ({ word }, { threadId }) => {
      calls.push(threadId);
      return `${word} means fruit`;
    },
  });
  const model = (request: RecordedRequest): FakeReply => {
    const input = (request.body as { input: Array<{ type?: string }> }).input;
    if (input.at(-1)?.type === "function_call_output") return { type: "text", text: `tool said: ${functionCallOutputs(request).at(-1)?.output}` };
    const word = userTexts(request).at(-1) ?? "";
    return word === "hang" ? { type: "hang" } : { type: "toolCall", name: "lookup", arguments: { word } };
  };
  const env = await createOfflineEnvironment({ model: { defaultReply: model } });
  const pool = new CodexPool({ spawn: 2, ...env.options });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const thread = await pool.threadStart({ tools: [lookup] });
  assert.equal((await thread.run("quince")).finalResponse, "tool said: quince means fruit");
  const home = pool.memberOf(thread) as string;
  // A turn open when the member dies: its rejection shows the pool has seen the death.
  const open = await thread.turn("hang");
  const arrived = env.model.nextResponseRequest();
  const rejected = assert.rejects(open.run(), TransportClosedError);
  await within(arrived, "the hanging turn at the model");
  process.kill(pidOf(pool, home), "SIGKILL");
  await within(rejected, "the open turn");

  const result = await within(thread.run("kumquat"), "a tool turn after the death", LONG_MS);
  assert.equal(result.finalResponse, "tool said: kumquat means fruit");
  assert.notEqual(pool.memberOf(thread), home);
  // The restarted member holds nothing, so the fork goes there, to a client that never saw the tools.
  await within(pool.start(), "the restart", LONG_MS);
  const fork = await pool.threadFork(thread.id);
  assert.equal(pool.memberOf(fork), home);
  assert.equal((await fork.run("medlar")).finalResponse, "tool said: medlar means fruit");
  assert.deepEqual(calls, [thread.id, thread.id, fork.id]);
});
