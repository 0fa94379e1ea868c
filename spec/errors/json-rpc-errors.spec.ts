import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexError } from "../../lib/errors/codex-error.js";
import { ProtocolError, RequestTimeoutError, TransportClosedError } from "../../lib/errors/connection-errors.js";
import { InvalidArgumentError } from "../../lib/errors/invalid-argument-error.js";
import {
  InternalRpcError,
  InvalidParamsError,
  InvalidRequestError,
  isRetryableError,
  JsonRpcError,
  MethodNotFoundError,
  ParseError,
  RetryLimitExceededError,
  ServerBusyError,
  ThreadNotFoundError,
} from "../../lib/errors/json-rpc-errors.js";

/** The exact error the runtime sends when its inbound queue is full (PROTOCOL-NOTES §5). */
const RUNTIME_OVERLOAD = { code: -32001, message: "Server overloaded; retry later." };

describe("JsonRpcError.from", () => {
  const standardCodes = [
    [-32700, ParseError, "ParseError"],
    [-32600, InvalidRequestError, "InvalidRequestError"],
    [-32601, MethodNotFoundError, "MethodNotFoundError"],
    [-32602, InvalidParamsError, "InvalidParamsError"],
    [-32603, InternalRpcError, "InternalRpcError"],
  ] as const;

  for (const [code, Class, name] of standardCodes) {
    it(`maps code ${code} to ${name} and keeps the code, message, data and method`, () => {
      const data = { detail: "x" };
      const error = JsonRpcError.from({ code, message: "went wrong", data }, "thread/start");
      assert.ok(error instanceof Class);
      assert.ok(error instanceof JsonRpcError);
      assert.ok(error instanceof CodexError);
      assert.equal(error.constructor, Class);
      assert.equal(error.name, name);
      assert.equal(error.code, code);
      assert.equal(error.rpcMessage, "went wrong");
      assert.equal(error.data, data);
      assert.equal(error.method, "thread/start");
      assert.equal(isRetryableError(error), false);
    });
  }

  it("maps the runtime's real -32001 overload reply, which has no data, to ServerBusyError", () => {
    const error = JsonRpcError.from(RUNTIME_OVERLOAD, "turn/start");
    assert.equal(error.constructor, ServerBusyError);
    assert.equal(error.name, "ServerBusyError");
    assert.equal(error.code, -32001);
    assert.equal(error.data, undefined);
    assert.equal(error.rpcMessage, "Server overloaded; retry later.");
    assert.equal(isRetryableError(error), true);
  });

  const overloadData: ReadonlyArray<readonly [string, unknown]> = [
    ["a camelCase string value", { codexErrorInfo: "serverOverloaded" }],
    ["a snake_case string value", { codex_error_info: "server_overloaded" }],
    ["a bare string", "serverOverloaded"],
    ["a snake_case key of a nested object", { codex_error_info: { server_overloaded: {} } }],
    ["a camelCase key deep inside arrays and objects", { errors: [{ info: [{ serverOverloaded: null }] }] }],
  ];
  for (const [where, data] of overloadData) {
    it(`maps an overload marker given as ${where} in data to ServerBusyError whatever the code`, () => {
      const error = JsonRpcError.from({ code: -32603, message: "upstream failed", data }, "turn/start");
      assert.equal(error.constructor, ServerBusyError);
      assert.equal(error.code, -32603);
      assert.equal(error.data, data);
      assert.equal(isRetryableError(error), true);
    });
  }

  it("does not treat words that merely contain the overload marker as an overload", () => {
    const data = { codexErrorInfo: "notServerOverloadedAtAll", note: "server_overloaded_yesterday" };
    const error = JsonRpcError.from({ code: -32603, message: "internal", data });
    assert.equal(error.constructor, InternalRpcError);
    assert.equal(isRetryableError(error), false);
  });

  it("maps a retry-limit message with -32001 to RetryLimitExceededError, which is still a ServerBusyError", () => {
    const error = JsonRpcError.from({ code: -32001, message: "Server overloaded: retry limit reached" }, "turn/start");
    assert.equal(error.constructor, RetryLimitExceededError);
    assert.ok(error instanceof ServerBusyError);
    assert.equal(error.name, "RetryLimitExceededError");
    assert.equal(isRetryableError(error), true);
  });

  it("maps 'too many failed attempts' with overload data to RetryLimitExceededError", () => {
    const error = JsonRpcError.from({ code: -32603, message: "Too many failed attempts", data: { codexErrorInfo: "serverOverloaded" } });
    assert.equal(error.constructor, RetryLimitExceededError);
  });

  it("does not map a retry-limit message without any overload sign to RetryLimitExceededError", () => {
    const error = JsonRpcError.from({ code: -32603, message: "retry limit reached" });
    assert.equal(error.constructor, InternalRpcError);
    assert.equal(isRetryableError(error), false);
  });

  it("maps an unknown code to a plain JsonRpcError", () => {
    const error = JsonRpcError.from({ code: -32099, message: "custom" }, "thread/read");
    assert.equal(error.constructor, JsonRpcError);
    assert.equal(error.name, "JsonRpcError");
    assert.equal(error.code, -32099);
    assert.equal(isRetryableError(error), false);
  });
});

describe("isRetryableError", () => {
  it("is false for every non-overload error, including non-errors", () => {
    const others: unknown[] = [
      new Error("Server overloaded; retry later."),
      new CodexError("x"),
      new RequestTimeoutError("turn/start", 10),
      new TransportClosedError({ exitCode: 1, signal: null, stderrTail: "", reason: "exited" }),
      new InvalidArgumentError("input", "must not be empty"),
      new ProtocolError("bad"),
      { code: -32001, message: "Server overloaded; retry later." },
      "serverOverloaded",
      undefined,
      null,
    ];
    for (const error of others) assert.equal(isRetryableError(error), false, String(error));
  });

  it("is true for a ServerBusyError built directly", () => {
    assert.equal(isRetryableError(new ServerBusyError(-32001, "busy")), true);
  });

  it("is true for a plain JsonRpcError whose data says the server is overloaded", () => {
    assert.equal(isRetryableError(new JsonRpcError(-32603, "x", { codexErrorInfo: "serverOverloaded" })), true);
  });
});

describe("JSON-RPC error messages", () => {
  it("names the method, the runtime's message and the code of a JSON-RPC error", () => {
    const error = JsonRpcError.from({ code: -32600, message: "no active turn to interrupt" }, "turn/interrupt");
    assert.equal(error.message, "turn/interrupt: no active turn to interrupt (JSON-RPC error -32600)");
  });

  it("still names the code when the method is unknown", () => {
    const error = JsonRpcError.from(RUNTIME_OVERLOAD);
    assert.equal(error.message, "Server overloaded; retry later. (JSON-RPC error -32001)");
    assert.equal(error.method, undefined);
  });
});

describe("ThreadNotFoundError", () => {
  it("is what JsonRpcError.from makes of the runtime's -32600 messages for missing threads, and only of those", () => {
    const cases: Array<[string, string | undefined]> = [
      ["no rollout found for thread id 0193-a", "0193-a"],
      ["no archived rollout found for thread id 0193-b", "0193-b"],
      ["thread not found: 0193-c", "0193-c"],
      ["thread not loaded: 0193-d", "0193-d"],
      ["invalid session id: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1", undefined],
    ];
    for (const [message, threadId] of cases) {
      const error = JsonRpcError.from({ code: -32600, message }, "thread/resume");
      assert.ok(error instanceof ThreadNotFoundError && error instanceof InvalidRequestError, message);
      assert.equal(error.name, "ThreadNotFoundError");
      assert.equal(error.threadId, threadId);
      assert.equal(error.rpcMessage, message);
      assert.ok(error.message.startsWith("thread/resume: ") && error.message.endsWith(`(runtime: "${message}", JSON-RPC error -32600)`), error.message);
      assert.doesNotMatch(error.message.slice(0, error.message.indexOf("(runtime:")), /rollout|urn:uuid/, "the advice speaks the SDK's language");
    }
    assert.ok(!(JsonRpcError.from({ code: -32600, message: "no active turn to interrupt" }) instanceof ThreadNotFoundError));
    assert.ok(!(JsonRpcError.from({ code: -32603, message: "thread not found: x" }) instanceof ThreadNotFoundError));
  });
});
