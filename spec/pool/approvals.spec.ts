// Approvals in a pool: each turn's own handler decides its requests on whichever member runs it, a
// drain waits for an approval a human has not answered yet, and a member that dies aborts its handlers.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { type ApprovalDecision, type ApprovalRequest, ApprovalMode, CodexPool, Sandbox, TransportClosedError } from "../../lib/index.js";
import { createOfflineEnvironment, type FakeReply, type RecordedRequest, userTexts } from "../../lib/testing/index.js";
import { within } from "../support/assertions.js";

const LONG_MS = 60_000;
const UNTRUSTED = { approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite };

/** For "make a <name>" the model asks to run `touch <name>`, then says "done"; other prompts are echoed. */
function markerModel(request: RecordedRequest): FakeReply {
  const prompt = userTexts(request).at(-1) ?? "";
  const input = (request.body as { input: Array<{ type?: string }> }).input;
  if (input.at(-1)?.type === "function_call_output") return { type: "text", text: "done" };
  const name = /^make a (\S+)$/.exec(prompt)?.[1];
  if (name) return { type: "toolCall", arguments: { cmd: `touch ${name}`, yield_time_ms: 30_000 } };
  return { type: "text", text: `echo: ${prompt}` };
}

async function setUp(t: test.TestContext, spawn: number) {
  const env = await createOfflineEnvironment({ model: { defaultReply: markerModel } });
  const pool = new CodexPool({ spawn, ...env.options });
  t.after(async () => {
    await pool.close();
    await env.close();
  });
  return { env, pool };
}

/** An approval handler that holds each request until the test answers it. */
function heldApprovals() {
  const asked: Array<{ request: ApprovalRequest; signal: AbortSignal; answer: (decision: ApprovalDecision) => void }> = [];
  let onAsked = (): void => {};
  const handler = (request: ApprovalRequest, context: { signal: AbortSignal }): Promise<ApprovalDecision> =>
    new Promise((answer) => {
      asked.push({ request, signal: context.signal, answer });
      onAsked();
    });
  const next = (): Promise<void> => (asked.length > 0 ? Promise.resolve() : new Promise((resolve) => (onAsked = resolve)));
  return { asked, handler, next };
}

test("each turn's own approval handler decides its requests, on every member", async (t) => {
  const { env, pool } = await setUp(t, 2);
  const threads = await Promise.all([pool.threadStart(UNTRUSTED), pool.threadStart(UNTRUSTED)]);
  assert.deepEqual(new Set(threads.map((thread) => pool.memberOf(thread))), new Set(["member-1", "member-2"]));
  const asked: string[][] = [[], []];
  const results = await within(
    Promise.all(threads.map((thread, index) => thread.run(`make a marker${index}`, {
      onApproval: (request) => {
        asked[index]?.push(request.threadId);
        return index === 0 ? "accept" : "decline";
      },
    }))),
    "two turns asking for approval",
    LONG_MS,
  );
  assert.deepEqual(results.map((result) => result.status), ["completed", "completed"]);
  assert.deepEqual(asked, [[threads[0]?.id], [threads[1]?.id]]);
  assert.equal(existsSync(join(env.workdir, "marker0")), true);
  assert.equal(existsSync(join(env.workdir, "marker1")), false);
});

test("a drain waits for an approval nobody answered yet: it is answered, the turn completes, then the thread moves", async (t) => {
  const { env, pool } = await setUp(t, 2);
  const thread = await pool.threadStart(UNTRUSTED);
  await pool.threadStart(UNTRUSTED);
  const from = pool.memberOf(thread);
  assert.equal(from, "member-1");
  const approvals = heldApprovals();
  const result = thread.run("make a held", { onApproval: approvals.handler });
  await within(approvals.next(), "the approval request", LONG_MS);

  const drained = pool.drain("member-1");
  assert.equal(pool.stats()[0]?.state, "draining");
  approvals.asked[0]?.answer("accept");
  assert.equal((await within(result, "the turn")).status, "completed");
  await within(drained, "the drain", LONG_MS);
  assert.equal(existsSync(join(env.workdir, "held")), true);
  assert.equal(approvals.asked[0]?.signal.aborted, true);
  assert.equal(pool.memberOf(thread), "member-2");
  assert.equal((await thread.run("still there?")).finalResponse, "echo: still there?");
});

test("a member that dies with an approval pending aborts the handler's signal and rejects the turn; the thread goes on elsewhere", async (t) => {
  const { pool } = await setUp(t, 2);
  const thread = await pool.threadStart(UNTRUSTED);
  const approvals = heldApprovals();
  const turn = thread.run("make a doomed", { onApproval: approvals.handler });
  await within(approvals.next(), "the approval request", LONG_MS);
  const pid = pool.stats().find((member) => member.id === pool.memberOf(thread))?.pid;
  assert.ok(pid !== undefined);

  process.kill(pid, "SIGKILL");
  await assert.rejects(within(turn, "the turn"), TransportClosedError);
  assert.equal(approvals.asked[0]?.signal.aborted, true);
  assert.equal((await within(thread.run("after"), "a turn after the death", LONG_MS)).finalResponse, "echo: after");
});
