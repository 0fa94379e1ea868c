import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexNotFoundError, ProtocolError, RequestTimeoutError, TransportClosedError } from "../../lib/errors/connection-errors.js";

describe("connection error messages", () => {
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
