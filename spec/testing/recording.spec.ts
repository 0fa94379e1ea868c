import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AsyncCodex, transportFor } from "../../lib/index.js";
import { createOfflineEnvironment, Recording, ReplayMismatchError, replayTransport } from "../../lib/testing/index.js";
import { runtimePids } from "../support/offline-codex.js";

const USAGE = { inputTokens: 12, cachedInputTokens: 2, outputTokens: 5, reasoningOutputTokens: 1, totalTokens: 17 };

/** Records a thread.run() on the real runtime; returns its JSON lines and result. */
async function recordSession() {
  await using env = await createOfflineEnvironment({ model: { replies: [{ type: "text", text: "recorded answer", usage: USAGE }] } });
  const recording = new Recording();
  const codex = new AsyncCodex({ transport: recording.wrap(transportFor({ ...env.options })) });
  try {
    const thread = await codex.threadStart();
    const result = await thread.run("record me");
    return { jsonLines: recording.toJsonLines(), result, recording };
  } finally {
    await codex.close();
  }
}

test("a replayed recording drives thread.run() to the same TurnResult with no runtime process", async (t) => {
  const { jsonLines, result, recording } = await recordSession();
  const dir = await mkdtemp(join(tmpdir(), "codex-app-sdk-recording-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await recording.save(join(dir, "session.jsonl"));
  const saved = await readFile(join(dir, "session.jsonl"), "utf8");
  assert.equal(saved, jsonLines);
  assert.ok(saved.split("\n").filter(Boolean).every((line) => ["client", "runtime"].includes((JSON.parse(line) as { from: string }).from)), "plain JSON lines");

  const startedAt = performance.now();
  const codex = new AsyncCodex({ transport: replayTransport(saved) });
  t.after(() => codex.close());
  const thread = await codex.threadStart();
  const replayed = await thread.run("record me");
  const tookMs = performance.now() - startedAt;
  assert.deepEqual(replayed, result);
  assert.equal(replayed.finalResponse, "recorded answer");
  assert.equal(codex.pid, undefined);
  assert.deepEqual(await runtimePids(), [], "no runtime process");
  t.diagnostic(`replay took ${tookMs.toFixed(0)} ms`);
});

test("a replay fails the first request that differs from the recording, showing both lines", async (t) => {
  const { jsonLines } = await recordSession();
  const codex = new AsyncCodex({ transport: replayTransport(jsonLines) });
  t.after(() => codex.close());
  const thread = await codex.threadStart();
  const error = await thread.run("something else").catch((caught: unknown) => caught);
  assert.ok(error instanceof ReplayMismatchError, String(error));
  assert.match(error.message, /recorded: .*"record me"/);
  assert.match(error.message, /sent: {5}.*"something else"/);
  assert.ok(error.expected?.includes("record me") && error.actual.includes("something else"));
});

test("a recording keeps no API key", async () => {
  await using env = await createOfflineEnvironment({ requiresOpenaiAuth: true });
  const recording = new Recording();
  const codex = new AsyncCodex({ transport: recording.wrap(transportFor({ ...env.options })) });
  const apiKey = "sk-test-recording-0123456789abcdef";
  try {
    await codex.loginApiKey(apiKey);
  } finally {
    await codex.close();
  }
  assert.ok(recording.messages.some((entry) => entry.from === "client" && entry.message.method === "account/login/start"));
  assert.ok(!recording.toJsonLines().includes(apiKey));
});
