import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidArgumentError, type Notification } from "../../lib/index.js";
import type { FakeReplySource, OfflineEnvironment } from "../../lib/testing/index.js";
import { offlineCodex } from "../support/offline-codex.js";

/** The reviewer's answer, in the JSON shape the review guidelines ask for. */
const FINDINGS = JSON.stringify({
  findings: [{ title: "[P1] add() subtracts", body: "add returns a - b", confidence_score: 0.9, priority: 1, code_location: { absolute_file_path: "/repo/calc.py", line_range: { start: 2, end: 2 } } }],
  overall_correctness: "patch is incorrect",
  overall_explanation: "add is broken",
  overall_confidence_score: 0.8,
});
/** The reviewer's model calls hang (they carry `x-openai-subagent: review`); other turns get the echo. */
const REVIEWER_HANGS: FakeReplySource = (request) =>
  request.headers["x-openai-subagent"] === "review" ? { type: "hang" } : { type: "text", text: "echo" };

const RENDERED = "add is broken\n\nReview comment:\n\n- [P1] add() subtracts — /repo/calc.py:2-2\n  add returns a - b";

/** A git repository with one commit and an uncommitted bug, in the environment's workdir. */
async function reviewCodex(t: import("node:test").TestContext, replies: FakeReplySource[], defaultReply?: FakeReplySource) {
  const offline = await offlineCodex(t, { environment: { model: { replies, ...(defaultReply ? { defaultReply } : {}) } } });
  const git = (...args: string[]): void => void execFileSync("git", ["-c", "user.email=sdk@example.invalid", "-c", "user.name=sdk", ...args], { cwd: offline.env.workdir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "initial");
  await writeFile(join(offline.env.workdir, "calc.py"), "def add(a, b):\n    return a - b\n");
  return offline;
}

function lastPrompt(env: OfflineEnvironment): string {
  const input = (env.model.responseRequests.at(-1)?.body as { input?: Array<{ role?: string; content?: Array<{ text?: string }> }> }).input ?? [];
  return input.filter((item) => item.role === "user").flatMap((item) => item.content ?? []).map((part) => part.text ?? "").at(-1) ?? "";
}

test("a review of uncommitted changes runs to its turn/completed and run() gives the review text", async (t) => {
  const { codex, env } = await reviewCodex(t, [{ type: "text", text: FINDINGS }]);
  const thread = await codex.threadStart();
  const review = await thread.review({ type: "uncommittedChanges" });
  const seen: Notification[] = [];
  for await (const notification of review) seen.push(notification);
  const started = seen.find((notification) => notification.method === "turn/started");
  assert.ok(started?.method === "turn/started");
  assert.notEqual(started.params.turn.id, review.id, "the reviewer runs as a child turn");
  assert.equal(started.params.turn.rootTurnId, review.id);
  assert.equal(seen.at(-1)?.method, "turn/completed");
  assert.equal(seen.filter((notification) => notification.method === "item/agentMessage/delta").length, 0);
  assert.match(lastPrompt(env), /^Review the current code changes/);
  assert.equal(codex.activeTurnRoutes, 0);

  const again = await thread.review({ type: "custom", instructions: "Review calc.py for bugs." });
  const result = await again.run();
  assert.equal(result.status, "completed");
  assert.equal(lastPrompt(env), "Review calc.py for bugs.");
  // The second review's model answered with the echo default: a plain-text answer passes through.
  assert.equal(result.finalResponse, "echo: Review calc.py for bugs.");
  assert.ok(result.items.some((item) => item.type === "exitedReviewMode"));
});

test("run() of a review returns the rendered findings from exitedReviewMode", async (t) => {
  const { codex } = await reviewCodex(t, [{ type: "text", text: FINDINGS }]);
  const thread = await codex.threadStart();
  const result = await (await thread.review({ type: "baseBranch", branch: "main" })).run();
  assert.equal(result.status, "completed");
  assert.equal(result.finalResponse, RENDERED);
});

test("interrupt() right after review() returns stops the reviewer (its child turn id is used)", async (t) => {
  const { codex } = await reviewCodex(t, [], REVIEWER_HANGS);
  const thread = await codex.threadStart();
  const review = await thread.review({ type: "uncommittedChanges" });
  assert.deepEqual(await review.interrupt(), {});
  const result = await review.run();
  assert.equal(result.status, "interrupted");
  assert.equal(codex.activeTurnRoutes, 0);
  // The thread is usable again.
  assert.equal((await thread.run("after the review")).status, "completed");
});

test("aborting a review's signal rejects its loop with the reason and interrupts the review", async (t) => {
  const { codex } = await reviewCodex(t, [], REVIEWER_HANGS);
  const thread = await codex.threadStart();
  const controller = new AbortController();
  const review = await thread.review({ type: "uncommittedChanges" }, { signal: controller.signal });
  const reason = new Error("user cancelled the review");
  const completed = (async () => {
    for await (const notification of codex.notifications({ signal: AbortSignal.timeout(30_000) })) {
      if (notification.method === "turn/completed" && notification.params.turn.id === review.id) return notification.params.turn.status;
    }
    return undefined;
  })();
  await assert.rejects(
    (async () => {
      for await (const notification of review) if (notification.method === "turn/started") controller.abort(reason);
    })(),
    (error: unknown) => error === reason,
  );
  assert.equal(await completed, "interrupted");
});

test("review targets and options are checked before anything is sent", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  const invalid = async (target: unknown, options: object, pattern: RegExp): Promise<void> => {
    await assert.rejects(thread.review(target as never, options), (error: unknown) => error instanceof InvalidArgumentError && pattern.test(error.message));
  };
  await invalid({ type: "custom", instructions: "" }, {}, /target\.instructions: must be a non-empty string/);
  await invalid({ type: "everything" }, {}, /target\.type: must be "uncommittedChanges", "baseBranch", "commit" or "custom"/);
  await invalid({ type: "commit" }, {}, /target\.sha: must be a non-empty string/);
  await invalid({ type: "uncommittedChanges" }, { delivery: "detached" }, /options\.delivery: must be "inline"/);
  await invalid({ type: "baseBranch", branch: "main", base: "x" }, {}, /target\.base: is not a known option/);
});
