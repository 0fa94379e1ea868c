import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "valibot";
import { AsyncCodex, BUILT_IN_TOOL_NAMES, InvalidArgumentError, tool, type ToolEntry } from "../../lib/index.js";
import { storedToolNames, ToolSet } from "../../lib/tools/tool-set.js";

const make = (name: string) => tool({ name, description: `tool ${name}`, parameters: v.object({}), execute: () => name });

test("a tool set declares functions and namespaces as the runtime expects, and finds tools by namespace and name", () => {
  const a = make("a");
  const find = make("find");
  const set = ToolSet.from([a, { name: "crm", description: "CRM", tools: [find] }, { name: "billing", tools: [find] }], "options.tools");
  assert.deepEqual(set.declarations, [
    { type: "function", name: "a", description: "tool a", inputSchema: a.inputSchema },
    { type: "namespace", name: "crm", description: "CRM", tools: [{ type: "function", name: "find", description: "tool find", inputSchema: find.inputSchema }] },
    { type: "namespace", name: "billing", description: "", tools: [{ type: "function", name: "find", description: "tool find", inputSchema: find.inputSchema }] },
  ]);
  assert.equal(set.find("crm", "find"), find);
  assert.equal(set.find(null, "a"), a);
  assert.equal(set.find(null, "find"), undefined);
  assert.deepEqual(set.names, ["a", "crm.find", "billing.find"]);
  // Measured: the runtime calls namespaced tools by namespace, so built-in names do not collide there.
  assert.deepEqual(ToolSet.from([{ name: "shell_tools", tools: [make("exec_command")] }], "options.tools").names, ["shell_tools.exec_command"]);
});

test("a tool named like a built-in, a duplicate, a bad namespace or a look-alike is refused before the runtime starts", async () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [[make("exec_command")], "options.tools[0]", /"exec_command" is the name of a built-in tool of the runtime, which would silently run its own instead/],
    [[{ name: "multi_agent_v1", tools: [make("x")] }], "options.tools[0].name", /built-in/],
    [[make("a"), make("a")], "options.tools[1]", /the tool "a" is declared twice/],
    [[{ name: "crm", tools: [make("a"), make("a")] }], "options.tools[0].tools[1]", /the tool "crm\.a" is declared twice/],
    [[{ name: "crm", tools: [make("a")] }, { name: "crm", tools: [make("b")] }], "options.tools[1].name", /the namespace "crm" is declared twice/],
    [[{ name: "a.b", tools: [make("a")] }], "options.tools[0].name", /must match/],
    [[{ name: "crm", tools: [] }], "options.tools[0].tools", /non-empty array/],
    [[{ name: "outer", tools: [{ name: "inner", tools: [make("a")] }] }], "options.tools[0].tools[0]", /namespaces do not nest/],
    [[{ name: "x", description: "d", parameters: v.object({}), execute: () => "" }], "options.tools[0]", /must be a tool made by tool\(\)/],
    ["a", "options.tools", /must be an array/],
  ];
  const codex = new AsyncCodex({ codexBin: "/nonexistent/codex" });
  for (const [tools, argument, message] of cases) {
    await assert.rejects(codex.threadStart({ tools: tools as ToolEntry[] }), (error: Error) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(error.argument, argument);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.equal(codex.pid, undefined, "nothing was started, so nothing was sent");
  assert.ok(BUILT_IN_TOOL_NAMES.includes("write_stdin"));
});

test("the stored tool names come from a rollout's session_meta line", () => {
  const line = JSON.stringify({
    type: "session_meta",
    payload: { id: "t", dynamic_tools: [{ type: "function", name: "a" }, { name: "legacy" }, { type: "namespace", name: "crm", tools: [{ type: "function", name: "find" }] }] },
  });
  assert.deepEqual(storedToolNames(line), ["a", "legacy", "crm.find"]);
  assert.deepEqual(storedToolNames(JSON.stringify({ payload: { dynamic_tools: null } })), []);
  assert.equal(storedToolNames(JSON.stringify({ payload: {} })), undefined);
  assert.equal(storedToolNames("not json"), undefined);
});
