import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as v from "valibot";
import { ProtocolError } from "../../lib/errors.js";
import {
  InitializeResponseSchema,
  type HotSchema,
  ItemCompletedSchema,
  ObjectSchema,
  ThreadResponseSchema,
  TokenUsageUpdatedSchema,
  TurnCompletedSchema,
  TurnStartResponseSchema,
  TurnSteerResponseSchema,
  validate,
} from "../../lib/protocol/schemas.js";

/** A `turn/completed` as the runtime sends it (PROTOCOL-NOTES §3). */
function turnCompleted(turn: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    threadId: "thr_1",
    turn: { id: "turn_1", status: "completed", error: null, startedAt: 1, completedAt: 2, durationMs: 1, items: [], itemsView: "summary", ...turn },
    emittedAtMs: 3,
  };
}

const breakdown = { totalTokens: 13, inputTokens: 10, cachedInputTokens: 0, outputTokens: 3, reasoningOutputTokens: 0 };

function assertProtocolError(run: () => unknown, method: string, path: string): ProtocolError {
  let caught: unknown;
  assert.throws(run, (error: unknown) => {
    caught = error;
    return error instanceof ProtocolError;
  });
  const error = caught as ProtocolError;
  assert.equal(error.method, method);
  assert.equal(error.path, path);
  assert.ok(error.message.includes(method), error.message);
  if (path !== "") assert.ok(error.message.includes(`${path}: `), error.message);
  return error;
}

describe("validate", () => {
  it("returns the very same value, extra fields included, when it matches", () => {
    const value = turnCompleted();
    assert.equal(validate(TurnCompletedSchema, value, "turn/completed notification"), value);
    assert.deepEqual(value, turnCompleted(), "the value is not modified");
  });

  it("accepts a failed turn with its error and the statuses the runtime sends", () => {
    for (const status of ["completed", "interrupted", "inProgress"]) validate(TurnCompletedSchema, turnCompleted({ status }), "turn/completed notification");
    const failed = turnCompleted({ status: "failed", error: { message: "boom", codexErrorInfo: "serverOverloaded" } });
    assert.equal(validate(TurnCompletedSchema, failed, "turn/completed notification"), failed);
  });

  it("names turn.status and the method when a turn/completed has an unknown status", () => {
    const error = assertProtocolError(() => validate(TurnCompletedSchema, turnCompleted({ status: "exploded" }), "turn/completed notification"), "turn/completed", "turn.status");
    assert.match(error.message, /^Unexpected turn\/completed notification from the runtime: turn\.status: /);
  });

  it("names the nested path of a missing or mistyped field", () => {
    assertProtocolError(() => validate(TurnCompletedSchema, { threadId: "t", turn: { status: "completed" } }, "turn/completed notification"), "turn/completed", "turn.id");
    assertProtocolError(() => validate(TurnCompletedSchema, turnCompleted({ error: { message: 5 } }), "turn/completed notification"), "turn/completed", "turn.error.message");
    assertProtocolError(() => validate(TurnCompletedSchema, turnCompleted({ durationMs: "1s" }), "turn/completed notification"), "turn/completed", "turn.durationMs");
    assertProtocolError(() => validate(ThreadResponseSchema, { thread: { id: "" } }, "thread/start response"), "thread/start", "thread.id");
    assertProtocolError(() => validate(TurnStartResponseSchema, { turn: {} }, "turn/start response"), "turn/start", "turn.id");
    assertProtocolError(() => validate(TurnSteerResponseSchema, {}, "turn/steer response"), "turn/steer", "turnId");
  });

  it("reports an empty path when the value itself is of the wrong type", () => {
    assertProtocolError(() => validate(ObjectSchema, null, "thread/list response"), "thread/list", "");
    assertProtocolError(() => validate(ObjectSchema, "ok", "model/list response"), "model/list", "");
  });

  it("checks an initialize response's metadata", () => {
    const response = { userAgent: "spec/0.169.0 (Linux)", codexHome: "/h", platformFamily: "unix", platformOs: "linux" };
    assert.equal(validate(InitializeResponseSchema, response, "initialize response"), response);
    assertProtocolError(() => validate(InitializeResponseSchema, { ...response, platformOs: undefined }, "initialize response"), "initialize", "platformOs");
  });

  it("requires agent messages in item/completed to carry their text, but not other item types", () => {
    const base = { threadId: "t", turnId: "u" };
    validate(ItemCompletedSchema, { ...base, item: { type: "agentMessage", id: "i", text: "hi" } }, "item/completed notification");
    validate(ItemCompletedSchema, { ...base, item: { type: "commandExecution", id: "i" } }, "item/completed notification");
    assertProtocolError(() => validate(ItemCompletedSchema, { ...base, item: { type: "agentMessage", id: "i" } }, "item/completed notification"), "item/completed", "item.text");
    assertProtocolError(() => validate(ItemCompletedSchema, { ...base, item: { type: "userMessage" } }, "item/completed notification"), "item/completed", "item.id");
  });

  it("checks the token counts of thread/tokenUsage/updated", () => {
    const value = { threadId: "t", turnId: "u", tokenUsage: { total: breakdown, last: breakdown, modelContextWindow: null } };
    assert.equal(validate(TokenUsageUpdatedSchema, value, "thread/tokenUsage/updated notification"), value);
    const bad = { ...value, tokenUsage: { ...value.tokenUsage, last: { ...breakdown, outputTokens: "3" } } };
    assertProtocolError(() => validate(TokenUsageUpdatedSchema, bad, "thread/tokenUsage/updated notification"), "thread/tokenUsage/updated", "tokenUsage.last.outputTokens");
  });
});

/** Stand-ins for a field: wrong types, empty and missing values, and an array where an object goes. */
const ODD_VALUES: readonly unknown[] = [undefined, null, "", "x", "agentMessage", "completed", 0, 7, Number.NaN, true, [], {}, { message: "m" }];

/** `value` with the field at `path` replaced by `replacement` (deleted when `replacement` is `deleted`). */
function mutated(value: unknown, path: readonly string[], replacement: unknown, deleted: boolean): unknown {
  if (path.length === 0) return replacement;
  const [key = "", ...rest] = path;
  const copy = { ...(value as Record<string, unknown>) };
  if (deleted && rest.length === 0) delete copy[key];
  else copy[key] = mutated(copy[key], rest, replacement, deleted);
  return copy;
}

/** The path of every field in `value`, nested objects and the object itself included. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([key, field]) => pathsOf(field, [...prefix, key]))];
}

describe("the hand-written checks of the per-notification schemas", () => {
  const samples: Array<[string, HotSchema, unknown[]]> = [
    ["turn/completed", TurnCompletedSchema, [turnCompleted(), turnCompleted({ status: "failed", error: { message: "boom", codexErrorInfo: null } }), turnCompleted({ startedAt: undefined, completedAt: null, durationMs: undefined })]],
    ["item/completed", ItemCompletedSchema, [
      { threadId: "t", turnId: "u", item: { type: "agentMessage", id: "i", text: "hi", phase: "final_answer" } },
      { threadId: "t", turnId: "u", item: { type: "agentMessage", id: "i", text: "hi", phase: null } },
      { threadId: "t", turnId: "u", item: { type: "commandExecution", id: "i", command: "ls", text: 5 } },
    ]],
    ["thread/tokenUsage/updated", TokenUsageUpdatedSchema, [{ threadId: "t", turnId: "u", tokenUsage: { total: breakdown, last: breakdown, modelContextWindow: 258_400 } }]],
  ];

  for (const [method, hot, valid] of samples) {
    it(`accepts exactly what the ${method} schema accepts`, () => {
      let checked = 0;
      for (const sample of valid) {
        assert.equal(hot.accepts(sample), true, `${method}: ${JSON.stringify(sample)}`);
        for (const path of pathsOf(sample)) {
          for (const replacement of ODD_VALUES) {
            for (const deleted of path.length > 0 ? [false, true] : [false]) {
              const value = mutated(sample, path, replacement, deleted);
              assert.equal(hot.accepts(value), v.is(hot.schema, value), `${method}: ${deleted ? "without" : JSON.stringify(replacement) + " at"} ${path.join(".") || "the top"}`);
              checked += 1;
            }
          }
        }
      }
      assert.ok(checked > 100, `${checked} variants checked`);
    });
  }
});
