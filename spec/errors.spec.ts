import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CodexError,
  CodexNotFoundError,
  InternalRpcError,
  InvalidArgumentError,
  InvalidParamsError,
  InvalidRequestError,
  isRetryableError,
  JsonRpcError,
  MethodNotFoundError,
  ParseError,
  ProtocolError,
  RequestTimeoutError,
  RetryLimitExceededError,
  ServerBusyError,
  TransportClosedError,
} from "../lib/errors.js";

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

describe("error messages", () => {
  it("names the method, the runtime's message and the code of a JSON-RPC error", () => {
    const error = JsonRpcError.from({ code: -32600, message: "no active turn to interrupt" }, "turn/interrupt");
    assert.equal(error.message, "turn/interrupt: no active turn to interrupt (JSON-RPC error -32600)");
  });

  it("still names the code when the method is unknown", () => {
    const error = JsonRpcError.from(RUNTIME_OVERLOAD);
    assert.equal(error.message, "Server overloaded; retry later. (JSON-RPC error -32001)");
    assert.equal(error.method, undefined);
  });

  it("chains the cause given to any error constructor", () => {
    const cause = new Error("root cause");
    assert.equal(new CodexError("x", { cause }).cause, cause);
    assert.equal(new JsonRpcError(-32600, "x", undefined, "m", { cause }).cause, cause);
    assert.equal(new ServerBusyError(-32001, "x", undefined, "m", { cause }).cause, cause);
    assert.equal(new TransportClosedError({ exitCode: 0, signal: null, stderrTail: "", reason: "r" }, { cause }).cause, cause);
    assert.equal(new ProtocolError("x", {}, { cause }).cause, cause);
  });

  it("leaves cause unset when none is given", () => {
    assert.equal(Object.hasOwn(JsonRpcError.from(RUNTIME_OVERLOAD), "cause"), false);
  });

  it("puts the reason, exit code and stderr tail in a TransportClosedError message", () => {
    const error = new TransportClosedError({ exitCode: 3, signal: null, stderrTail: "thread panicked\nbye", reason: "the runtime exited" });
    assert.equal(error.name, "TransportClosedError");
    assert.equal(error.message, "Codex runtime connection closed: the runtime exited (exit code 3)\nstderr (last lines):\nthread panicked\nbye");
    assert.equal(error.exitCode, 3);
    assert.equal(error.signal, null);
    assert.equal(error.stderrTail, "thread panicked\nbye");
  });

  it("names the signal instead of the exit code when the runtime was killed", () => {
    const error = new TransportClosedError({ exitCode: null, signal: "SIGKILL", stderrTail: "", reason: "the runtime exited" });
    assert.equal(error.message, "Codex runtime connection closed: the runtime exited (signal SIGKILL)");
    assert.equal(error.signal, "SIGKILL");
  });

  it("mentions exit code 0 rather than omitting it", () => {
    const error = new TransportClosedError({ exitCode: 0, signal: null, stderrTail: "", reason: "stdout ended" });
    assert.match(error.message, /\(exit code 0\)$/);
  });

  it("lists every tried path in a CodexNotFoundError and keeps them in triedPaths", () => {
    const tried = ["/a/bin/codex", "@openai/codex-linux-x64 (not resolvable from /b)"];
    const error = new CodexNotFoundError("Codex runtime not found", tried);
    assert.equal(error.name, "CodexNotFoundError");
    assert.deepEqual(error.triedPaths, tried);
    assert.equal(error.message, "Codex runtime not found\nTried:\n  - /a/bin/codex\n  - @openai/codex-linux-x64 (not resolvable from /b)");
  });

  it("says nothing was tried when a CodexNotFoundError has no paths", () => {
    assert.match(new CodexNotFoundError("unsupported platform", []).message, /Tried:\n {2}\(nothing\)$/);
  });

  it("names the method and the timeout in a RequestTimeoutError", () => {
    const error = new RequestTimeoutError("thread/start", 1500);
    assert.equal(error.message, "thread/start: no response within 1500 ms (requestTimeoutMs)");
    assert.equal(error.method, "thread/start");
    assert.equal(error.timeoutMs, 1500);
  });

  it("prefixes an InvalidArgumentError message with the argument it names", () => {
    const error = new InvalidArgumentError("options.sandbox", "must be one of …");
    assert.equal(error.argument, "options.sandbox");
    assert.equal(error.message, "options.sandbox: must be one of …");
    assert.ok(error instanceof CodexError);
  });

  it("keeps method and path on a ProtocolError", () => {
    const error = new ProtocolError("Unexpected thing", { method: "turn/completed", path: "turn.status" });
    assert.equal(error.method, "turn/completed");
    assert.equal(error.path, "turn.status");
    assert.equal(error.name, "ProtocolError");
  });
});
