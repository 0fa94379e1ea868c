import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexError, JsonRpcError, ProtocolError, ServerBusyError, TransportClosedError } from "../lib/errors.js";

/** The exact error the runtime sends when its inbound queue is full (PROTOCOL-NOTES §5). */
const RUNTIME_OVERLOAD = { code: -32001, message: "Server overloaded; retry later." };

describe("the error hierarchy", () => {
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
});
