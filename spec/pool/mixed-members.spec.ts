// A pool of one spawned runtime and one remote runtime (a local ws runtime server with a token) on
// one CODEX_HOME: placement, affinity and answers work the same on both kinds of member.
import assert from "node:assert/strict";
import { test } from "node:test";
import { CodexPool, startRuntimeServer } from "../../lib/index.js";
import { createOfflineEnvironment } from "../../lib/testing/index.js";
import { within } from "../support/assertions.js";

const LONG_MS = 60_000;

test("a pool mixing a spawned member and a remote ws member spreads threads over both and keeps each on its member", async (t) => {
  const env = await createOfflineEnvironment();
  const server = await startRuntimeServer({ listen: "ws", ...env.options, config: { thread_unload_delay_secs: 0 } });
  const pool = new CodexPool({ members: [{ ...env.options }, { remote: server.remote }] });
  t.after(async () => {
    await pool.close();
    await server.close();
    await env.close();
  });

  const threads = await within(Promise.all(Array.from({ length: 4 }, () => pool.threadStart())), "4 thread starts", LONG_MS);
  const homes = threads.map((thread) => pool.memberOf(thread));
  assert.deepEqual([...new Set(homes)].sort(), ["member-1", "member-2"], "both members hold threads");

  await within(
    Promise.all(
      threads.map(async (thread, index) => {
        for (let turn = 1; turn <= 2; turn += 1) {
          const result = await thread.run(`thread ${index} turn ${turn}`);
          assert.equal(result.finalResponse, `echo: thread ${index} turn ${turn}`);
          assert.equal(pool.memberOf(thread), homes[index], `thread ${index} moved`);
        }
      }),
    ),
    "8 turns",
    LONG_MS,
  );
  const stats = pool.stats();
  assert.deepEqual(stats.map((member) => member.state), ["up", "up"]);
  assert.deepEqual(stats.map((member) => member.threads), [2, 2]);
  assert.equal(stats.reduce((sum, member) => sum + member.turnsDone, 0), 8);
  // The remote member is the server's runtime, not a process the pool spawned.
  assert.equal(stats[1]?.pid, undefined);
});
