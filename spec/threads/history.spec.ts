import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError, type MessageLogEntry } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";

/** A client whose logger records every request it sends, by method. */
async function countingCodex(t: import("node:test").TestContext) {
  const sent: string[] = [];
  const logger = (entry: MessageLogEntry): void => {
    if (entry.direction === "out" && entry.kind === "request" && entry.method !== undefined) sent.push(entry.method);
  };
  const { codex } = await offlineCodex(t, { codex: { logger } });
  const pagesOf = (method: string): number => sent.filter((sentMethod) => sentMethod === method).length;
  return { codex, pagesOf };
}

test("thread.turns() pages 25 turns in pages of 10 with three requests, and break after the first entry sends one", async (t) => {
  const { codex, pagesOf } = await countingCodex(t);
  const thread = await codex.threadStart();
  const started: string[] = [];
  for (let index = 0; index < 25; index += 1) started.push((await thread.run(`turn ${index}`)).id);

  const listed: string[] = [];
  for await (const turn of thread.turns({ pageSize: 10 })) listed.push(turn.id);
  assert.deepEqual(listed, [...started].reverse(), "newest first, every turn once");
  assert.equal(pagesOf("thread/turns/list"), 3);

  for await (const turn of thread.turns({ pageSize: 10, sortDirection: "asc" })) {
    assert.equal(turn.id, started[0]);
    break;
  }
  assert.equal(pagesOf("thread/turns/list"), 4, "break after the first entry fetched one page");
});

test("history iterables are lazy: nothing is fetched until the loop asks", async (t) => {
  const { codex, pagesOf } = await countingCodex(t);
  const thread = await codex.threadStart();
  await thread.run("one");
  const turns = thread.turns()[Symbol.asyncIterator]();
  assert.equal(pagesOf("thread/turns/list"), 0);
  assert.equal((await turns.next()).done, false);
  assert.equal(pagesOf("thread/turns/list"), 1);
});

test("thread.items() pages the items of the thread, or of one turn", async (t) => {
  const { codex, pagesOf } = await countingCodex(t);
  const thread = await codex.threadStart();
  const first = await thread.run("first");
  await thread.run("second");
  const all = [];
  for await (const entry of thread.items({ pageSize: 1 })) all.push(entry);
  assert.deepEqual(all.map((entry) => entry.item.type), ["userMessage", "agentMessage", "userMessage", "agentMessage"]);
  assert.equal(pagesOf("thread/items/list"), 4);
  const ofFirst = [];
  for await (const entry of thread.items({ turnId: first.id })) ofFirst.push(entry);
  assert.deepEqual(ofFirst.map((entry) => entry.turnId), [first.id, first.id]);
  assert.deepEqual(ofFirst.map((entry) => entry.item.type === "agentMessage" && entry.item.text).filter(Boolean), ["echo: first"]);
});

test("codex.threads() and codex.loadedThreads() page the stored and the loaded threads", async (t) => {
  const { codex, pagesOf } = await countingCodex(t);
  const threads = [await codex.threadStart(), await codex.threadStart(), await codex.threadStart()];
  for (const thread of threads) await thread.run("keep me");
  const stored = [];
  for await (const thread of codex.threads({ pageSize: 2 })) stored.push(thread.id);
  assert.deepEqual(stored.sort(), threads.map((thread) => thread.id).sort());
  assert.equal(pagesOf("thread/list"), 2);
  const loaded = [];
  for await (const id of codex.loadedThreads({ pageSize: 1 })) loaded.push(id);
  assert.deepEqual(loaded.sort(), threads.map((thread) => thread.id).sort());
});

test("an aborted signal ends a history loop with its reason, and bad options fail before sending", async (t) => {
  const { codex, pagesOf } = await countingCodex(t);
  const thread = await codex.threadStart();
  await thread.run("one");
  await thread.run("two");
  const controller = new AbortController();
  const reason = new Error("enough");
  await assert.rejects(
    (async () => {
      for await (const _ of thread.turns({ pageSize: 1, signal: controller.signal })) controller.abort(reason);
    })(),
    (error: unknown) => error === reason,
  );
  assert.equal(pagesOf("thread/turns/list"), 1);
  assert.throws(() => thread.turns({ pageSize: 0 }), InvalidArgumentError);
  // @ts-expect-error: misspelt option.
  assert.throws(() => thread.items({ pagesize: 5 }), /options\.pagesize: is not a known option; did you mean pageSize\?/);
});
