// CodexPool on real runtimes sharing one CODEX_HOME: laziness, affinity and spread, options, and
// threads whose writer is a runtime outside the pool.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncCodex, CodexPool, type Thread, ThreadOwnedElsewhereError } from "../../lib/index.js";
import { createOfflineEnvironment } from "../../lib/testing/index.js";
import { assertInvalid, within } from "../support/assertions.js";
import { runtimePids } from "../support/offline-codex.js";

const LONG_MS = 60_000;

test("a pool starts nothing until the first call, then only the member it needs", async (t) => {
  const env = await createOfflineEnvironment();
  const pool = new CodexPool({ spawn: 3, ...env.options });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  assert.deepEqual(await runtimePids(), []);
  assert.deepEqual(pool.stats().map((member) => member.state), ["idle", "idle", "idle"]);

  const thread = await pool.threadStart();
  assert.equal((await thread.run("hello")).finalResponse, "echo: hello");
  assert.deepEqual(pool.stats().map((member) => member.state), ["up", "idle", "idle"]);
  assert.equal((await runtimePids()).length, 1);
  assert.equal(pool.memberOf(thread), "member-1");

  await pool.close();
  assert.deepEqual(await runtimePids(), []);
  assert.deepEqual(pool.stats().map((member) => member.state), ["idle", "idle", "idle"]);
});

test("12 threads × 5 turns at once on 3 members: each thread stays on one member, no member holds more than half, every turn gets its own answer", async (t) => {
  const env = await createOfflineEnvironment();
  const errors: Error[] = [];
  const pool = new CodexPool({ spawn: 3, ...env.options, onError: (error) => errors.push(error) });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const threads = await within(Promise.all(Array.from({ length: 12 }, () => pool.threadStart())), "12 thread starts", LONG_MS);
  const homes = threads.map((thread) => pool.memberOf(thread));

  await within(
    Promise.all(
      threads.map(async (thread, index) => {
        for (let turn = 1; turn <= 5; turn += 1) {
          const result = await thread.run(`thread ${index} turn ${turn}`);
          assert.equal(result.status, "completed");
          assert.equal(result.finalResponse, `echo: thread ${index} turn ${turn}`);
          assert.equal(pool.memberOf(thread), homes[index], `thread ${index} moved`);
        }
      }),
    ),
    "60 turns",
    LONG_MS,
  );

  const stats = pool.stats();
  t.diagnostic(`threads per member: ${stats.map((member) => member.threads).join(", ")}`);
  assert.equal(stats.reduce((sum, member) => sum + member.threads, 0), 12);
  assert.equal(stats.reduce((sum, member) => sum + member.turnsDone, 0), 60);
  for (const member of stats) {
    assert.ok(member.threads <= 6, `${member.id} holds ${member.threads} threads`);
    assert.equal(member.state, "up");
    assert.equal(member.turnsRunning, 0);
    assert.equal(member.restarts, 0);
    // A member's turns are its threads' turns: affinity as the pool counted it.
    assert.equal(member.turnsDone, member.threads * 5);
  }
  assert.equal(new Set(stats.map((member) => member.pid)).size, 3);
  // Members share one CODEX_HOME, so any member lists every thread.
  const listed = await pool.threadList({ limit: 50 });
  for (const thread of threads) assert.ok(listed.data.some((stored) => stored.id === thread.id));
  assert.deepEqual(errors, []);
});

test("threadResume of a thread held by a runtime outside the pool rejects with ThreadOwnedElsewhereError naming it; once released it resumes with history", async (t) => {
  const env = await createOfflineEnvironment();
  const outsider = new AsyncCodex({ ...env.options });
  const pool = new CodexPool({ spawn: 2, ...env.options });
  t.after(async () => {
    await pool.close();
    await outsider.close();
    await env.close();
  });
  const thread = await outsider.threadStart();
  await thread.run("remember the word quince");

  const error = await pool.threadResume(thread.id).then(
    () => assert.fail("resumed a thread another runtime holds"),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof ThreadOwnedElsewhereError, String(error));
  assert.equal(error.threadId, thread.id);
  assert.match(error.message, new RegExp(thread.id));
  assert.equal(pool.memberOf(thread.id), undefined);

  // The runtime dying releases its writer lock at once.
  await outsider.close();
  const resumed = await pool.threadResume(thread.id);
  const result = await resumed.run("what was the word?");
  assert.equal(result.finalResponse, "echo: what was the word?");
  assert.ok(pool.memberOf(resumed) !== undefined);
  const history = await resumed.read({ includeTurns: true });
  assert.equal(history.thread.turns.length, 2);
});

test("threadResume of a thread the pool holds goes to its member; threadFork and archive work across members", async (t) => {
  const env = await createOfflineEnvironment();
  const pool = new CodexPool({ spawn: 2, ...env.options });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const [first, second] = await Promise.all([pool.threadStart(), pool.threadStart()]);
  assert.ok(first && second);
  assert.notEqual(pool.memberOf(first), pool.memberOf(second));
  await first.run("one");

  const again = await pool.threadResume(first.id);
  assert.equal(pool.memberOf(again), pool.memberOf(first));
  assert.equal((await again.run("two")).finalResponse, "echo: two");

  const fork = await pool.threadFork(first.id);
  assert.notEqual(fork.id, first.id);
  assert.equal((await fork.run("three")).finalResponse, "echo: three");
  assert.equal((await fork.read({ includeTurns: true })).thread.turns.length, 3);

  await pool.threadArchive(second.id);
  assert.equal(pool.memberOf(second), undefined);
  assert.ok((await pool.threadList({ archived: true })).data.some((stored) => stored.id === second.id));
  const restored = await pool.threadUnarchive(second.id);
  assert.equal((await restored.run("back")).finalResponse, "echo: back");
  assert.ok(pool.memberOf(restored) !== undefined);
  assert.ok((await pool.models()).data.length > 0);
});

test("pool options are checked before anything is spawned: unknown keys, spawn, members, failover, and add and drain names", async (t) => {
  assertInvalid(() => new CodexPool({ spawn: 2, onApprove: () => {} } as never), "options.onApprove", /not a known option; did you mean onApproval\?/);
  assertInvalid(() => new CodexPool({ spawn: 0 }), "options.spawn", /positive integer/);
  assertInvalid(() => new CodexPool({ spawn: 1.5 }), "options.spawn", /positive integer/);
  assertInvalid(() => new CodexPool({ members: [] }), "options.members", /non-empty array/);
  assertInvalid(() => new CodexPool({ members: [{}], spawn: 2 } as never), "options.spawn", /cannot be combined/);
  assertInvalid(() => new CodexPool({ members: [{}, { codexHom: "/tmp" }] } as never), "options.members[1].codexHom", /did you mean codexHome\?/);
  assertInvalid(() => new CodexPool({ members: [{}], codexHome: "/tmp" } as never), "options.codexHome", /not a known option/);
  assertInvalid(() => new CodexPool({ spawn: 1, failover: "yes" } as never), "options.failover", /must be a boolean/);
  assertInvalid(() => new CodexPool({ spawn: 1, requestTimeoutMs: -1 }), "options.requestTimeoutMs", /positive number/);

  const listed = new CodexPool({ members: [{}] });
  assertInvalid(() => listed.add(), "options", /member list/);
  assertInvalid(() => listed.add({ cwdd: "/tmp" } as never), "options.cwdd", /did you mean cwd\?/);
  await assert.rejects(listed.drain("member-9"), (error: unknown) => {
    assert.match(String(error), /memberId: is not a member of this pool: "member-9" \(members: member-1\)/);
    return true;
  });
  const spawned = new CodexPool({ spawn: 1 });
  assert.equal(spawned.add(), "member-2");
  assert.deepEqual(spawned.stats().map((member) => member.id), ["member-1", "member-2"]);
  assert.deepEqual(await runtimePids(), []);
  t.diagnostic("nothing was spawned");
});

test("notifications() merges every member's, and a pool used again after close() starts fresh members that still report", async (t) => {
  const env = await createOfflineEnvironment();
  const pool = new CodexPool({ spawn: 2, ...env.options });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  const startedIds = async (count: number): Promise<{ seen: Set<string>; ids: string[]; threads: Thread[] }> => {
    const stop = new AbortController();
    const seen = new Set<string>();
    const listening = (async () => {
      for await (const notification of pool.notifications({ signal: stop.signal })) {
        if (notification.method === "thread/started") seen.add(notification.params.thread.id);
        if (seen.size === count) return;
      }
    })();
    const threads = await Promise.all(Array.from({ length: count }, () => pool.threadStart()));
    await within(listening, "thread/started from every member", LONG_MS);
    stop.abort();
    return { seen, ids: threads.map((thread) => thread.id), threads };
  };

  const first = await startedIds(2);
  assert.deepEqual(first.seen, new Set(first.ids));
  assert.deepEqual(pool.stats().map((member) => member.threads), [1, 1]);
  // Only a thread that ran a turn is stored (has a rollout), so only such a thread can be resumed.
  const old = first.threads[0] as Thread;
  await old.run("before");
  await pool.close();

  const again = await startedIds(2);
  assert.deepEqual(again.seen, new Set(again.ids));
  assert.deepEqual(pool.stats().map((member) => [member.state, member.threads]), [["up", 1], ["up", 1]]);
  // A thread from before close() continues on the fresh members.
  assert.equal((await old.run("still here")).finalResponse, "echo: still here");
  assert.equal(pool.stats().reduce((sum, member) => sum + member.threads, 0), 3);
});
