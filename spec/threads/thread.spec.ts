import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { ApprovalMode, AsyncCodex, InvalidArgumentError, InvalidRequestError, type Notification, Sandbox, ThreadNotFoundError } from "../../lib/index.js";
import { inputImageUrls, type RecordedRequest, userTexts } from "../../lib/testing/index.js";
import { offlineCodex } from "../support/offline-codex.js";

/** A 1×1 transparent PNG. */
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

/** Every text the request carries in messages of `role`. */
function messageTexts(request: RecordedRequest | undefined, role: string): string[] {
  const input = (request?.body as { input?: Array<{ role?: string; content?: Array<{ text?: string }> }> } | undefined)?.input ?? [];
  return input.filter((item) => item.role === role).flatMap((item) => (item.content ?? []).map((part) => part.text ?? ""));
}

test("a second run on the same thread sends the first exchange as history", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("first question");
  await thread.run("second question");
  const second = env.model.responseRequests[1];
  assert.deepEqual(userTexts(second!), ["first question", "second question"]);
  assert.ok(messageTexts(second, "assistant").includes("echo: first question"));
});

test("threadResume on a fresh runtime with the same CODEX_HOME continues the thread with its history", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("remember the word kumquat");
  await codex.close();
  const fresh = new AsyncCodex(env.options);
  t.after(() => fresh.close());
  const resumed = await fresh.threadResume(thread.id);
  assert.equal(resumed.id, thread.id);
  await resumed.run("what was the word?");
  assert.deepEqual(userTexts(env.model.responseRequests.at(-1)!), ["remember the word kumquat", "what was the word?"]);
});

test("threadFork copies a thread into a new one with its own id", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("original");
  const fork = await codex.threadFork(thread.id);
  assert.notEqual(fork.id, thread.id);
  await fork.run("in the fork");
  assert.deepEqual(userTexts(env.model.responseRequests.at(-1)!), ["original", "in the fork"]);
  const { thread: read } = await fork.read();
  assert.equal(read.forkedFromId, thread.id);
});

test("setName, read, list, archive, unarchive and compact behave as the runtime says", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("something to keep");
  await thread.setName("my thread");
  const { thread: named } = await thread.read({ includeTurns: true });
  assert.equal(named.name, "my thread");
  assert.equal(named.turns.length, 1);
  assert.ok((await codex.threadList()).data.some((listed) => listed.id === thread.id));

  const compacted = env.model.nextResponseRequest();
  await thread.compact();
  await compacted;
  assert.equal(env.model.responseRequests.length, 2);

  await codex.threadArchive(thread.id);
  assert.ok(!(await codex.threadList()).data.some((listed) => listed.id === thread.id));
  assert.ok((await codex.threadList({ archived: true })).data.some((listed) => listed.id === thread.id));
  const restored = await codex.threadUnarchive(thread.id);
  assert.equal(restored.id, thread.id);
  assert.ok((await codex.threadList()).data.some((listed) => listed.id === thread.id));
});

test("image and local image inputs reach the model as base64 PNG data URLs", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const path = join(env.workdir, "pixel.png");
  await writeFile(path, PNG);
  const thread = await codex.threadStart();
  const dataUrl = `data:image/png;base64,${PNG.toString("base64")}`;
  await thread.run([
    { type: "text", text: "what are these?" },
    { type: "image", url: dataUrl },
    { type: "localImage", path },
  ]);
  const urls = inputImageUrls(env.model.responseRequests[0]!);
  assert.equal(urls.length, 2);
  for (const url of urls) assert.match(url, /^data:image\/png;base64,/);
  assert.equal(urls[0], dataUrl);
});

test("outputSchema reaches the model as the request's text.format JSON schema", async (t) => {
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: '{"answer":"yes"}' }] } } });
  const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false };
  const thread = await codex.threadStart();
  const result = await thread.run("structured please", { outputSchema: schema });
  assert.equal(result.finalResponse, '{"answer":"yes"}');
  const format = (env.model.responseRequests[0]?.body as { text?: { format?: { type: string; schema: unknown } } }).text?.format;
  assert.equal(format?.type, "json_schema");
  assert.deepEqual(format?.schema, schema);
});

test("sandbox and approval presets reach the runtime as the wire values they stand for", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite, approvalMode: ApprovalMode.denyAll });
  await thread.run("one");
  await thread.run("two", { sandbox: Sandbox.fullAccess, approvalMode: ApprovalMode.autoReview });
  const [first, second] = env.model.responseRequests.map((request) => messageTexts(request, "developer").join("\n"));
  assert.match(first!, /`sandbox_mode` is `workspace-write`/);
  assert.match(first!, /Approval policy is currently never/);
  assert.match(second!, /`sandbox_mode` is `danger-full-access`/);
  const readOnly = await codex.threadStart({ sandbox: Sandbox.readOnly });
  await readOnly.run("three");
  assert.match(messageTexts(env.model.responseRequests.at(-1), "developer").join("\n"), /`sandbox_mode` is `read-only`/);
});

test("bad input is rejected with an error naming the argument before anything is sent", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  const cases: Array<[() => Promise<unknown>, string]> = [
    [() => thread.run(""), "input"],
    [() => thread.run([]), "input"],
    [() => thread.run({ type: "text", text: 42 } as never), "input.text"],
    [() => thread.run([{ type: "text", text: "ok" }, { type: "video", url: "x" } as never]), "input[1].type"],
    [() => thread.run("hi", { sandbox: "everything" as never }), "options.sandbox"],
    [() => thread.run("hi", { approvalMode: "yolo" as never }), "options.approvalMode"],
    [() => thread.run("hi", { outputSchema: "not a schema" as never }), "options.outputSchema"],
    [() => codex.threadStart({ config: [] as never }), "options.config"],
    [() => codex.threadResume(""), "threadId"],
  ];
  for (const [call, argument] of cases) {
    await assert.rejects(call, (error: unknown) => error instanceof InvalidArgumentError && error.argument === argument && error.message.startsWith(argument));
  }
  assert.equal(env.model.responseRequests.length, 0);
});

test("notifications() delivers notifications outside any turn to a listener until its signal aborts", async (t) => {
  const { codex } = await offlineCodex(t);
  const controller = new AbortController();
  const seen: Notification[] = [];
  let started: (id: string) => void = () => {};
  const threadId = new Promise<string>((resolve) => (started = resolve));
  const listening = assert.rejects(
    async () => {
      for await (const notification of codex.notifications({ signal: controller.signal })) {
        seen.push(notification);
        if (notification.method === "thread/started" && notification.params.thread.id === (await threadId)) controller.abort();
      }
    },
    (error: unknown) => error instanceof DOMException && error.name === "AbortError",
  );
  const thread = await codex.threadStart();
  started(thread.id);
  await listening;
  assert.ok(seen.some((notification) => notification.method === "thread/started" && notification.params.thread.id === thread.id));
  assert.equal(getEventListeners(controller.signal, "abort").length, 0);
});

test("an unknown or unstored thread id gives ThreadNotFoundError, an InvalidRequestError whose message says what to do", async (t) => {
  const { codex } = await offlineCodex(t);
  const unknown = "00000000-0000-0000-0000-000000000000";
  const never = await codex.threadStart(); // never ran a turn: not stored
  const cases: Array<[() => Promise<unknown>, string | undefined, RegExp]> = [
    [() => codex.threadResume(unknown), unknown, /is not stored in this CODEX_HOME: a thread that never ran a turn is not saved/],
    [() => codex.threadFork(unknown), unknown, /start a new thread with threadStart\(\)/],
    [() => codex.threadArchive(unknown), unknown, /not stored/],
    [() => codex.threadUnarchive(unknown), unknown, /is not archived/],
    [() => codex.threadResume("not-a-thread"), undefined, /that is not a thread id: use the id of a Thread/],
    [() => codex.close().then(() => codex.threadResume(never.id)), never.id, /never ran a turn is not saved/],
  ];
  for (const [call, threadId, advice] of cases) {
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof ThreadNotFoundError, String(error));
      assert.ok(error instanceof InvalidRequestError && error.code === -32600);
      assert.equal(error.threadId, threadId);
      assert.match(error.message, advice);
      assert.match(error.message, /\(runtime: ".+", JSON-RPC error -32600\)$/, "the runtime's words stay in the message");
      return true;
    });
  }
});

test("a Thread from before close() gives ThreadNotFoundError pointing to threadResume, and following it works", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("remember kumquat");
  await codex.close();
  for (const call of [() => thread.run("still there?"), () => thread.compact()]) {
    await assert.rejects(call, (error: unknown) => {
      assert.ok(error instanceof ThreadNotFoundError, String(error));
      assert.equal(error.threadId, thread.id);
      assert.ok(error.message.includes(`is not loaded in this runtime (the runtime restarted, e.g. after close(), or another runtime started the thread): resume it with codex.threadResume("${thread.id}")`), error.message);
      return true;
    });
  }
  const resumed = await codex.threadResume(thread.id);
  assert.equal((await resumed.run("still there?")).status, "completed");
});

test("read({ includeTurns: true }) on a thread that has not run a turn returns an empty turn list", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  const { thread: read } = await thread.read({ includeTurns: true });
  assert.equal(read.id, thread.id);
  assert.deepEqual(read.turns, []);
  await thread.run("one");
  assert.equal((await thread.read({ includeTurns: true })).thread.turns.length, 1);
});

test("a remote image URL is rejected before sending, naming a data URL and localImage as the alternatives", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  for (const url of ["https://example.com/cat.png", "http://127.0.0.1/cat.png", "file:///tmp/cat.png"]) {
    await assert.rejects(
      () => thread.run([{ type: "text", text: "what is this?" }, { type: "image", url }]),
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        error.argument === "input[1].url" &&
        /the runtime accepts only data URLs: pass "data:image\/png;base64,…", or \{ type: "localImage", path \}/.test(error.message),
    );
  }
  assert.equal(env.model.responseRequests.length, 0);
});
