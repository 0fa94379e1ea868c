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
  ThreadNotFoundError,
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
    assert.equal(error.message, "Codex runtime connection closed: the runtime exited (exit code 3): thread panicked bye\nstderr (last lines):\nthread panicked\nbye");
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

describe("TransportClosedError messages of a crashed runtime", () => {
  const PATH_WARNING = 'WARNING: proceeding, even though we could not create PATH aliases: Refusing to create helper binaries under temporary dir "/tmp"';
  const BUBBLEWRAP =
    "\u001b[2m2026-12-01T09:54:34.881332Z\u001b[0m \u001b[31mERROR\u001b[0m \u001b[2mcodex_app_server\u001b[0m\u001b[2m:\u001b[0m Codex could not find bubblewrap on PATH. Codex will use the bundled bubblewrap in the meantime.";

  it("leads with the exit code and the runtime's last real error, without ANSI codes or startup noise", () => {
    const stderrTail = [PATH_WARNING, BUBBLEWRAP, "Error: invalid type: unit variant, expected string only", "in `sandbox_mode`", "Stack backtrace:", "   0: <unknown>", "   1: <unknown>"].join("\n");
    const error = new TransportClosedError({ exitCode: 1, signal: null, stderrTail, reason: "the runtime exited" });
    const [headline, ...rest] = error.message.split("\n");
    assert.equal(headline, "Codex runtime connection closed: the runtime exited (exit code 1): Error: invalid type: unit variant, expected string only in `sandbox_mode`");
    assert.doesNotMatch(error.message, /\u001b|bubblewrap|PATH aliases|<unknown>/);
    assert.deepEqual(rest, ["stderr (last lines; startup noise left out, all of it in error.stderrTail):", "Error: invalid type: unit variant, expected string only", "in `sandbox_mode`"]);
    assert.match(error.stderrTail, /PATH aliases[^]*bubblewrap[^]*<unknown>/, "the full tail stays available");
    assert.doesNotMatch(error.stderrTail, /\u001b/);
  });

  it("names an ERROR log record without its timestamp, and says when stderr held only startup warnings", () => {
    const crashed = new TransportClosedError({
      exitCode: null,
      signal: "SIGABRT",
      stderrTail: `${BUBBLEWRAP}\n\u001b[2m2026-12-01T09:55:00.000000Z\u001b[0m \u001b[31mERROR\u001b[0m codex_core: failed to open the state database: disk full`,
      reason: "the runtime exited",
    });
    assert.match(crashed.message, /^Codex runtime connection closed: the runtime exited \(signal SIGABRT\): ERROR codex_core: failed to open the state database: disk full\n/);
    const killed = new TransportClosedError({ exitCode: null, signal: "SIGKILL", stderrTail: `${PATH_WARNING}\n${BUBBLEWRAP}`, reason: "the runtime exited" });
    assert.equal(killed.message, "Codex runtime connection closed: the runtime exited (signal SIGKILL)\nstderr holds only startup warnings (see error.stderrTail)");
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
