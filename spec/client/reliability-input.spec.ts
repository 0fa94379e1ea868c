// Bad input: every call checks its arguments before anything is sent, and the error names the
// argument. The stand-in runtime records every request it gets, so "nothing was sent" is checked,
// not assumed.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { AsyncCodex, type AsyncCodexOptions, InvalidArgumentError } from "../../lib/index.js";
import { STAND_IN, standInCodex } from "../fixtures/stand-in.js";
import { assertInvalid } from "../support/assertions.js";

/** Asserts that `call` rejects with an InvalidArgumentError naming `argument`, its message starting with it and matching `problem`. */
async function rejectsInvalid(call: () => Promise<unknown>, argument: string, problem: RegExp): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `${argument}: got ${String(error)}`);
    assert.equal(error.argument, argument);
    assert.ok(error.message.startsWith(`${argument}: `), error.message);
    assert.match(error.message, problem);
    return true;
  });
}

test("bad turn input and options are rejected naming the argument, and the runtime receives nothing", async (t) => {
  const { codex, received } = standInCodex(t);
  const thread = await codex.threadStart();
  const here = fileURLToPath(new URL(".", import.meta.url));
  const missing = join(here, "no-such-image.png");
  const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
    [() => thread.run(""), "input", /must not be an empty string/],
    [() => thread.run("   "), "input", /must not be an empty string/],
    [() => thread.run([]), "input", /at least one item/],
    [() => thread.run(null as never), "input", /must be a string or an input item object, got null/],
    [() => thread.run(42 as never), "input", /got number 42/],
    [() => thread.run({ type: "text", text: 42 } as never), "input.text", /must be a string, got number 42/],
    [() => thread.run([{ type: "text", text: "ok" }, { type: "text" }] as never), "input[1].text", /must be a string, got undefined/],
    [() => thread.run({ type: "video", url: "x" } as never), "input.type", /must be one of text, image, localImage, skill, mention/],
    [() => thread.run({ type: "localImage", path: missing }), "input.path", /no such file: .*no-such-image\.png/],
    [() => thread.run({ type: "localImage", path: here }), "input.path", /no such file/],
    [() => thread.run("hi", { sandbox: "everything" as never }), "options.sandbox", /must be one of Sandbox\.readOnly/],
    [() => thread.run("hi", { approvalMode: "yolo" as never }), "options.approvalMode", /must be one of ApprovalMode\./],
    [() => thread.run("hi", { temperature: 1 } as never), "options.temperature", /is not a known option/],
    [() => thread.run("hi", "fast" as never), "options", /must be an object/],
    [() => thread.run("hi", { outputSchema: "not a schema" as never }), "options.outputSchema", /must be an object/],
    [() => thread.run("hi", { outputSchema: [] as never }), "options.outputSchema", /must be an object, got an array/],
    [() => thread.run("hi", { outputSchema: { type: "strng" } }), "options.outputSchema.type", /must be one of object, array/],
    [() => thread.run("hi", { outputSchema: { type: "object", required: "answer" } }), "options.outputSchema.required", /array of property names/],
    [
      () => thread.run("hi", { outputSchema: { type: "object", properties: { answer: { type: 5 } } } }),
      "options.outputSchema.properties.answer.type",
      /must be one of/,
    ],
    [() => thread.setName(""), "name", /non-empty string/],
  ];
  for (const [call, argument, problem] of cases) await rejectsInvalid(call, argument, problem);
  await codex.models();
  assert.deepEqual(received.methods, ["initialize", "thread/start", "model/list"]);
});

test("bad thread options and ids are rejected naming the argument, and the runtime receives nothing", async (t) => {
  const { codex, received } = standInCodex(t);
  await codex.start();
  const cases: Array<[() => Promise<unknown>, string, RegExp]> = [
    [() => codex.threadStart({ sandbox: "everything" as never }), "options.sandbox", /must be one of/],
    [() => codex.threadStart({ approvalMode: "yolo" as never }), "options.approvalMode", /must be one of/],
    [() => codex.threadStart({ config: "model=x" as never }), "options.config", /must be an object, got "model=x"/],
    [() => codex.threadStart({ config: [] as never }), "options.config", /must be an object, got an array/],
    [() => codex.threadStart({ config: null as never }), "options.config", /must be an object, got null/],
    [() => codex.threadStart({ ephemeral: "yes" as never }), "options.ephemeral", /must be a boolean/],
    [() => codex.threadStart({ model: 5 as never }), "options.model", /must be a string/],
    [() => codex.threadResume(42 as never), "threadId", /non-empty string/],
    [() => codex.threadResume("thread-1", { ephemeral: true }), "options.ephemeral", /threadStart and threadFork only/],
    [() => codex.threadFork(""), "threadId", /non-empty string/],
    [() => codex.threadArchive(" "), "threadId", /non-empty string/],
    [() => codex.loginApiKey(""), "apiKey", /non-empty string/],
  ];
  for (const [call, argument, problem] of cases) await rejectsInvalid(call, argument, problem);
  await codex.models();
  assert.deepEqual(received.methods, ["initialize", "model/list"]);
});

test("bad AsyncCodex options throw at construction, naming the option, before any runtime is spawned", () => {
  const cases: Array<[AsyncCodexOptions, string, RegExp]> = [
    [{ config: "model=x" as never }, "options.config", /object, got "model=x"/],
    [{ config: { model: null } }, "options.config.model", /null/],
    [{ requestTimeoutMs: 0 }, "options.requestTimeoutMs", /positive number, got number 0/],
    [{ maxInFlightRequests: -1 }, "options.maxInFlightRequests", /positive number/],
    [{ turnIdleTimeoutMs: Number.NaN }, "options.turnIdleTimeoutMs", /positive number/],
    [{ maxLineLength: "64 MiB" as never }, "options.maxLineLength", /positive number, got "64 MiB"/],
    [{ serverRequestTimeoutMs: -5 }, "options.serverRequestTimeoutMs", /positive number/],
    [{ onApproval: "accept" as never }, "options.onApproval", /must be a function/],
  ];
  for (const [options, argument, problem] of cases) assertInvalid(() => new AsyncCodex({ codexBin: STAND_IN, ...options }), argument, problem);
});
