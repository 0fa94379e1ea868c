import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { AsyncCodex, InvalidArgumentError, InvalidRequestError } from "../../lib/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { offlineCodex } from "../support/offline-codex.js";

test("threadDelete deletes a stored thread, and the runtime's refusal for a forked one says why", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("original");
  const fork = await codex.threadFork(thread.id);
  await fork.run("in the fork");
  await assert.rejects(codex.threadDelete(thread.id), (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError);
    assert.match(error.message, /forked history still references it/);
    return true;
  });
  await codex.threadDelete(fork.id);
  await codex.threadDelete(thread.id);
  const stored = [];
  for await (const listed of codex.threads()) stored.push(listed.id);
  assert.deepEqual(stored, []);
  await assert.rejects(codex.threadDelete(""), InvalidArgumentError);
});

test("after unsubscribe a thread refuses new turns (the runtime would send them nowhere) until it is resumed", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("hello");
  assert.deepEqual(await thread.unsubscribe(), { status: "unsubscribed" });
  await assert.rejects(thread.run("lost"), /was unsubscribed: .*codex\.threadResume/);
  await assert.rejects(thread.review({ type: "uncommittedChanges" }), /was unsubscribed/);
  assert.deepEqual(await thread.unsubscribe(), { status: "notSubscribed" });
  const resumed = await codex.threadResume(thread.id);
  assert.equal((await resumed.run("again")).status, "completed");
});

test("revert drops a turn and every later one from the history the model sees", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("keep this");
  const dropped = await thread.run("drop this");
  await thread.run("and this");
  const reverted = await thread.revert({ beforeTurnId: dropped.id });
  assert.equal(reverted.thread.id, thread.id);
  const left = [];
  for await (const turn of thread.turns({ sortDirection: "asc" })) left.push(turn.id);
  assert.equal(left.length, 1);
  await thread.run("after revert");
  assert.deepEqual(userTexts(env.model.responseRequests.at(-1)!), ["keep this", "after revert"]);
  await assert.rejects(thread.revert({ beforeTurnId: "no-such-turn" }), /turn not found/);
  // @ts-expect-error: beforeTurnId is required.
  assert.throws(() => thread.revert({}), /options\.beforeTurnId: must be a non-empty string/);
});

test("updateMetadata stores git info, and updateSettings changes the model and effort of later turns", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("first");
  const { thread: updated } = await thread.updateMetadata({ gitInfo: { branch: "feature/x" } });
  assert.equal(updated.gitInfo?.branch, "feature/x");
  assert.equal((await thread.read()).thread.gitInfo?.branch, "feature/x");

  await thread.updateSettings({ model: "mock-model-2", effort: "low" });
  assert.equal(env.model.responseRequests.length, 1, "updating settings starts no turn");
  await thread.run("second");
  const body = env.model.responseRequests.at(-1)?.body as { model?: string; reasoning?: { effort?: string } };
  assert.equal(body.model, "mock-model-2");
  assert.equal(body.reasoning?.effort, "low");

  assert.throws(() => thread.updateSettings({}), /settings: must change at least one setting/);
  // @ts-expect-error: misspelt setting.
  assert.throws(() => thread.updateSettings({ modell: "x" }), /settings\.modell: is not a known option; did you mean model\?/);
  assert.throws(() => thread.updateMetadata({}), /metadata: must change at least one field/);
});

test("injectItems appends raw Responses items to the history the model sees", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("first");
  await thread.injectItems([{ type: "message", role: "user", content: [{ type: "input_text", text: "injected context" }] }]);
  await thread.run("second");
  assert.deepEqual(userTexts(env.model.responseRequests.at(-1)!), ["first", "injected context", "second"]);
  await assert.rejects(thread.injectItems([]), /items: must be a non-empty array/);
});

test("threadResume with path resumes from the thread's rollout file; a path that is not the thread's is refused", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("remember the word kumquat");
  const { thread: stored } = await thread.read();
  assert.ok(stored.path);
  await codex.close();
  const fresh = new AsyncCodex(env.options);
  t.after(() => fresh.close());
  // The runtime checks the path: for a paginated thread (the default) it must be the current one.
  await assert.rejects(fresh.threadResume(thread.id, { path: join(env.workdir, "elsewhere.jsonl") }), /failed to resolve rollout path .*elsewhere\.jsonl/);
  const resumed = await fresh.threadResume(thread.id, { path: stored.path });
  await resumed.run("what was the word?");
  assert.deepEqual(userTexts(env.model.responseRequests.at(-1)!), ["remember the word kumquat", "what was the word?"]);
});

test("threadStart records threadSource and streams raw model events with experimentalRawEvents; options are checked per call", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart({ threadSource: "sdk-test", serviceName: "sdk-spec", sessionStartSource: "startup", experimentalRawEvents: true });
  const methods = new Set<string>();
  for await (const notification of await thread.turn("hi")) methods.add(notification.method);
  assert.ok(methods.has("rawResponseItem/completed"), [...methods].join(", "));
  assert.equal((await thread.read()).thread.threadSource, "sdk-test");
  const fork = await codex.threadFork(thread.id, { threadSource: "sdk-fork" });
  assert.equal((await fork.read()).thread.threadSource, "sdk-fork");
  await assert.rejects(codex.threadResume(thread.id, { serviceName: "x" }), /options\.serviceName: applies to threadStart only/);
  await assert.rejects(codex.threadStart({ path: "/tmp/x.jsonl" }), /options\.path: applies to threadResume and threadFork only/);
  await assert.rejects(codex.threadFork(thread.id, { experimentalRawEvents: true }), /options\.experimentalRawEvents: applies to threadStart only/);
});
