// Runtime death: every pending request and open turn fails fast with a TransportClosedError that
// says why, and the next call recovers on a fresh runtime. A runtime that freezes instead of dying
// costs each request at most requestTimeoutMs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as nextMacrotask } from "node:timers/promises";
import { ProtocolError, RequestTimeoutError, TransportClosedError } from "../../lib/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { rejectionOf, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex, processExists } from "../support/offline-codex.js";

test("a runtime killed mid-turn fails pending requests and the open turn within a second, and threadResume continues the thread on a fresh runtime", async (t) => {
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: "noted" }, { type: "hang" }] } } });
  const thread = await codex.threadStart();
  await thread.run("remember the word kumquat");
  const started = env.model.nextResponseRequest();
  const turn = await thread.turn("think forever");
  await started;
  const pid = codex.pid;
  assert.ok(pid !== undefined);

  // Stopped, the runtime reads nothing, so these requests are surely in flight when it dies.
  process.kill(pid, "SIGSTOP");
  const pending = [codex.account(), thread.read(), codex.models()].map(rejectionOf);
  const iteration = rejectionOf(turn.run());
  await nextMacrotask();
  const killedAt = performance.now();
  process.kill(pid, "SIGKILL");
  const errors = await within(Promise.all([...pending, iteration]), "the rejections");
  const rejectedMs = performance.now() - killedAt;

  assert.ok(rejectedMs < 1000, `took ${rejectedMs} ms`);
  for (const error of errors) {
    assert.ok(error instanceof TransportClosedError, String(error));
    assert.equal(error.signal, "SIGKILL");
    assert.equal(error.exitCode, null);
    assert.match(error.message, /the runtime exited \(signal SIGKILL\)/);
    // The real runtime always warns on stderr at startup (PATH aliases under /tmp, bubblewrap):
    // kept in stderrTail, out of the message, which has no ANSI colour codes either.
    assert.match(error.stderrTail, /could not create PATH aliases/);
    assert.doesNotMatch(error.message, /PATH aliases|bubblewrap|\u001b/);
    assert.doesNotMatch(error.stderrTail, /\u001b/);
  }
  assert.equal(codex.pid, undefined);
  assert.equal(codex.activeTurnRoutes, 0);

  const resumed = await codex.threadResume(thread.id);
  const result = await resumed.run("what was the word?");
  const recoveredMs = performance.now() - killedAt;
  assert.equal(result.status, "completed");
  assert.ok(codex.pid !== undefined && codex.pid !== pid && !processExists(pid));
  const texts = userTexts(env.model.responseRequests.at(-1)!);
  assert.equal(texts[0], "remember the word kumquat");
  assert.equal(texts.at(-1), "what was the word?");
  t.diagnostic(`rejected ${rejectedMs.toFixed(0)} ms after SIGKILL; resumed thread answered ${recoveredMs.toFixed(0)} ms after SIGKILL`);
});

test("a runtime that exits with code 1 mid-turn fails everything pending with its exit code and its redacted last stderr lines", async (t) => {
  const stderr = "thread 'main' panicked at core/src/codex.rs:42: database is locked\nretrying with api_key=sk-live-0123456789abcdefghij\n";
  const { codex, received } = standInCodex(t, {
    script: { "account/read": ["hold"], "model/list": [{ exit: { code: 1, stderr } }] },
    env: { STANDIN_STDERR: "stand-in starting" },
  });
  const thread = await codex.threadStart();
  const turn = await thread.turn("work");
  const iteration = rejectionOf(turn.run());
  const held = rejectionOf(codex.account());
  await received.waitFor("account/read");
  const dyingAt = performance.now();
  const dying = rejectionOf(codex.models());
  const errors = await within(Promise.all([iteration, held, dying]), "the rejections");
  const rejectedMs = performance.now() - dyingAt;
  for (const error of errors) {
    assert.ok(error instanceof TransportClosedError, String(error));
    assert.equal(error.exitCode, 1);
    assert.equal(error.signal, null);
    assert.match(error.message, /the runtime exited \(exit code 1\)/);
    assert.match(error.stderrTail, /^stand-in starting\n.*panicked at core\/src\/codex\.rs:42: database is locked\nretrying with api_key=\[REDACTED\]$/s);
    assert.ok(!error.message.includes("sk-live"));
  }
  // The next call starts a fresh stand-in, which answers.
  assert.equal((await codex.threadStart()).id, "thread-1");
  t.diagnostic(`all rejected ${rejectedMs.toFixed(0)} ms after the call that made it exit; a fresh runtime answered ${(performance.now() - dyingAt).toFixed(0)} ms after it`);
});

test("a runtime that dies before answering initialize fails the start with its exit code, and the next call tries a fresh runtime", async (t) => {
  const { codex } = standInCodex(t, { script: { initialize: [{ exit: { code: 3, stderr: "error: invalid config.toml: expected a table\n" } }] } });
  const failures: unknown[] = [];
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const startedAt = performance.now();
    const error = await within(rejectionOf(codex.account()), "the failed start");
    t.diagnostic(`start ${attempt + 1} failed after ${(performance.now() - startedAt).toFixed(0)} ms`);
    assert.ok(error instanceof TransportClosedError, String(error));
    assert.equal(error.exitCode, 3);
    assert.match(error.stderrTail, /invalid config\.toml/);
    assert.equal(codex.pid, undefined);
    failures.push(error);
  }
  assert.notEqual(failures[0], failures[1], "a failed start is not cached: the second call spawned again");
});

test("a frozen runtime fails requests with RequestTimeoutError after requestTimeoutMs, and serves again once it thaws", async (t) => {
  const { codex, errors } = await offlineCodex(t, { codex: { requestTimeoutMs: 500 } });
  await codex.start();
  const pid = codex.pid;
  assert.ok(pid !== undefined);
  process.kill(pid, "SIGSTOP");
  // Thawed even if an assertion fails, so close() can end it the gentle way.
  t.after(() => processExists(pid) && process.kill(pid, "SIGCONT"));
  const frozenAt = performance.now();
  const error = await within(rejectionOf(codex.account()), "the request timeout");
  const timedOutMs = performance.now() - frozenAt;
  assert.ok(error instanceof RequestTimeoutError, String(error));
  assert.equal(error.method, "account/read");
  assert.ok(timedOutMs >= 500, `timed out after ${timedOutMs} ms`);

  process.kill(pid, "SIGCONT");
  const thawedAt = performance.now();
  assert.equal((await codex.account()).requiresOpenaiAuth, false);
  assert.equal(codex.pid, pid, "the same runtime, not a restart");
  // The runtime answers the abandoned request late; that answer is reported, not delivered.
  assert.ok(errors.some((reported) => reported instanceof ProtocolError && /response to no pending request/.test(reported.message)));
  t.diagnostic(`timed out ${timedOutMs.toFixed(0)} ms after the freeze; answered ${(performance.now() - thawedAt).toFixed(0)} ms after the thaw`);
});

test("onDisconnect is called once when the runtime dies, as its waiters are rejected, and never for close()", async (t) => {
  const disconnects: TransportClosedError[] = [];
  let turnSettledFirst = false;
  const { codex } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "hang" }] } },
    codex: { onDisconnect: (error) => disconnects.push(error) },
  });
  const thread = await codex.threadStart();
  const turn = await thread.turn("think forever");
  const iteration = rejectionOf(turn.run().finally(() => (turnSettledFirst = disconnects.length === 0)));
  const pid = codex.pid;
  assert.ok(pid !== undefined);
  process.kill(pid, "SIGKILL");
  const error = await within(iteration, "the open turn");
  assert.ok(error instanceof TransportClosedError);
  assert.equal(disconnects.length, 1);
  assert.equal(disconnects[0]?.signal, "SIGKILL");
  // Called synchronously as the connection closed: before the turn's rejection reached its consumer.
  assert.equal(turnSettledFirst, false);

  await codex.start();
  await codex.close();
  assert.equal(disconnects.length, 1);
});
