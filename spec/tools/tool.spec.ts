import assert from "node:assert/strict";
import { test } from "node:test";
import * as v from "valibot";
import { InvalidArgumentError, tool } from "../../lib/index.js";

const base = { description: "d", parameters: v.object({ q: v.string() }), execute: () => "" };

test("tool() converts its valibot parameters to JSON Schema, with optional entries left out of required", () => {
  const made = tool({ ...base, name: "search", parameters: v.object({ q: v.string(), limit: v.optional(v.pipe(v.number(), v.integer())), tag: v.nullable(v.picklist(["a", "b"])) }) });
  assert.deepEqual(made.inputSchema, {
    type: "object",
    properties: { q: { type: "string" }, limit: { type: "integer" }, tag: { anyOf: [{ type: "string", enum: ["a", "b"] }, { type: "null" }] } },
    required: ["q", "tag"],
    additionalProperties: false,
  });
  assert.equal(made.needsApproval, false);
  assert.equal(Object.isFrozen(made), true);
});

test("a tool's execute can be called directly, e.g. to unit-test it", async () => {
  const made = tool({ ...base, name: "upper", execute: ({ q }) => q.toUpperCase() });
  const context = { signal: new AbortController().signal, threadId: "t", turnId: "u", callId: "c" };
  assert.equal(await made.execute({ q: "hi" }, context), "HI");
});

test("tool() refuses names the runtime refuses, before anything is sent", () => {
  for (const name of ["my tool", "a.b", "", "crm/find", 7]) {
    assert.throws(() => tool({ ...base, name: name as string }), (error: Error) => error instanceof InvalidArgumentError && error.argument === "definition.name" && /\^\[a-zA-Z0-9_-\]\+\$/.test(error.message));
  }
  assert.equal(tool({ ...base, name: "a-b_C9" }).name, "a-b_C9");
});

test("tool() refuses a bad definition, naming what is wrong", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ excute: () => "" }, /definition\.excute: is not a known option; did you mean execute\?/],
    [{ parameters: v.string() }, /tool "t"\.parameters: must be an object schema/],
    [{ parameters: { type: "object" } }, /tool "t"\.parameters: must be a valibot schema/],
    [{ parameters: v.object({ tags: v.record(v.string(), v.string()) }) }, /tool "t"\.parameters\.tags: record schemas are not supported in tool parameters/],
    [{ description: undefined }, /tool "t"\.description: must be a string/],
    [{ execute: "run" }, /tool "t"\.execute: must be a function/],
    [{ timeoutMs: 0 }, /tool "t"\.timeoutMs: must be a positive number/],
    [{ concurrency: 1.5 }, /tool "t"\.concurrency: must be a positive integer/],
    [{ needsApproval: "yes" }, /tool "t"\.needsApproval: must be a boolean/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => tool({ ...base, name: "t", ...change } as Parameters<typeof tool>[0]), (error: Error) => error instanceof InvalidArgumentError && message.test(error.message));
  }
});

test("a tool's concurrency slots are freed when a call ends, and a waiting call gives up its place when its signal aborts", async () => {
  const { acquireSlot } = await import("../../lib/tools/tool.js");
  const made = tool({ ...base, name: "one_at_a_time", concurrency: 1 });
  const never = new AbortController().signal;
  const releaseFirst = await acquireSlot(made, never);
  const giveUp = new AbortController();
  const second = acquireSlot(made, giveUp.signal);
  let thirdStarted = false;
  const third = acquireSlot(made, never).then((release) => {
    thirdStarted = true;
    return release;
  });
  giveUp.abort(new Error("turn ended"));
  await assert.rejects(second, /turn ended/);
  assert.equal(thirdStarted, false, "the slot is still taken");
  releaseFirst();
  (await third)();
  assert.equal(thirdStarted, true);
  (await acquireSlot(made, never))();
});
