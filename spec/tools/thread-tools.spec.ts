import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "valibot";
import { AsyncCodex, type AsyncCodexOptions, InvalidArgumentError, type ThreadOptions, ToolCallError, tool } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";
import { answers, outputsOf, runTurn, setUp } from "../support/tool-calls.js";

test("a fork inherits its source's tool implementations", async (t) => {
  const echo = tool({ name: "echo_args", description: "Echoes", parameters: v.object({ word: v.string() }), execute: ({ word }) => `echo ${word}` });
  const { codex, env } = await setUp(t, [{ name: "echo_args", arguments: { word: "fork" } }]);
  const thread = await codex.threadStart({ tools: [echo] });
  await runTurn(thread);
  const fork = await codex.threadFork(thread.id);
  await runTurn(fork);
  // The fork's history holds the source's call too; its own is the third model call's.
  assert.deepEqual(outputsOf(env.model.responseRequests.at(-1)), { call_1_0: "echo fork", call_3_0: "echo fork" });
});

test("tools on a client without the experimental API are refused before anything is sent", async (t) => {
  const mine = tool({ name: "mine", description: "Mine", parameters: v.object({}), execute: () => "" });
  const { codex } = await offlineCodex(t, { codex: { experimentalApi: false } });
  const options: ThreadOptions = { tools: [mine] };
  await assert.rejects(codex.threadStart(options), { name: "InvalidArgumentError", argument: "options.tools" });
  assert.equal(codex.pid, undefined);
});

test("a thread resumed after a runtime restart runs its tools in the new client; names are checked against the stored set", async (t) => {
  const calls: string[] = [];
  const toolA = (who: string) =>
    tool({
      name: "tool_a",
      description: "Tool A",
      parameters: v.object({}),
      execute: () => {
        calls.push(who);
        return `a from ${who}`;
      },
    });
  const toolB = tool({ name: "tool_b", description: "Tool B", parameters: v.object({}), execute: () => "b" });
  const { codex, env } = await setUp(t, [{ name: "tool_a", arguments: {} }]);
  const thread = await codex.threadStart({ tools: [{ name: "ns", tools: [toolB] }, toolA("first")] });
  await runTurn(thread);
  await codex.close();

  const errors: Error[] = [];
  const open = (options: AsyncCodexOptions = {}): AsyncCodex => {
    const client = new AsyncCodex({ ...env.options, onError: (error) => errors.push(error), ...options });
    t.after(() => client.close());
    return client;
  };
  const second = open();
  await assert.rejects(second.threadResume(thread.id, { tools: [toolA("second"), toolB] }), (error: Error) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.equal(error.argument, "options.tools");
    assert.match(error.message, /was started with the tools ns\.tool_b, tool_a, and its tool set cannot change: no implementation given for ns\.tool_b; tool_b is not among them/);
    return true;
  });
  const resumed = await second.threadResume(thread.id, { tools: [toolA("second"), { name: "ns", tools: [toolB] }] });
  await runTurn(resumed);
  assert.deepEqual(calls, ["first", "second"], "the call reached the resuming client");
  assert.equal(outputsOf(env.model.responseRequests.at(-1)).call_3_0, "a from second");
  await second.close();

  // Resumed without its tools: the model is told, and the turn does not hang.
  const bare = await open().threadResume(thread.id);
  const { events } = await runTurn(bare);
  assert.match(outputsOf(env.model.responseRequests.at(-1)).call_5_0 ?? "", /^Tool tool_a is not available: the client has no implementation of it for this thread\./);
  assert.equal(answers(events)[0]?.outcome, "noHandler");
  assert.ok(errors.some((error) => error instanceof ToolCallError && error.reason === "unknownTool" && error.tool === "tool_a"));
  const completed = events.at(-1);
  assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "completed");
});

test("without tools attached, an onServerRequest handler for item/tool/call still answers", async (t) => {
  const weather = tool({ name: "lookup", description: "Look up", parameters: v.object({}), execute: () => "from tool()" });
  const { codex, env } = await setUp(t, [{ name: "lookup", arguments: {} }]);
  const thread = await codex.threadStart({ tools: [weather] });
  await runTurn(thread); // a thread has no rollout to resume before its first turn
  await codex.close();
  const raw = new AsyncCodex({
    ...env.options,
    onServerRequest: { "item/tool/call": (params) => ({ contentItems: [{ type: "inputText", text: `raw handler ran ${params.tool}` }], success: true }) },
  });
  t.after(() => raw.close());
  await runTurn(await raw.threadResume(thread.id));
  assert.deepEqual(outputsOf(env.model.responseRequests.at(-1)), { call_1_0: "from tool()", call_3_0: "raw handler ran lookup" });
});
