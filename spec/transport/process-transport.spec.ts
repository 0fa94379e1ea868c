import assert from "node:assert/strict";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { ProtocolError, TransportClosedError } from "../../lib/errors.js";
import { ProcessTransport, type ProcessTransportOptions } from "../../lib/transport/process-transport.js";
import { HANG_MS, within } from "../support/assertions.js";

const PEER = fileURLToPath(new URL("../fixtures/scripted-peer.mjs", import.meta.url));

interface Started {
  transport: ProcessTransport;
  errors: Error[];
  /** The next incoming message. */
  next(): Promise<unknown>;
  /** The error the message stream ends with (fails if a message comes first). */
  ended(): Promise<TransportClosedError>;
  /** After a `die` request: its "dying" notification, then the error the stream ends with. */
  died(): Promise<TransportClosedError>;
}

/** Starts the scripted peer with `flags`; the test's end closes it. */
async function startPeer(t: TestContext, flags: string[] = [], options: Partial<ProcessTransportOptions> = {}): Promise<Started> {
  const errors: Error[] = [];
  const transport = new ProcessTransport({
    command: process.execPath,
    args: [PEER, ...flags],
    env: process.env,
    onError: (error) => errors.push(error),
    ...options,
  });
  t.after(() => transport.close());
  await within(transport.start(), "start()");
  const iterator = transport.messages[Symbol.asyncIterator]();
  const next = (): Promise<unknown> =>
    within(
      iterator.next().then((result) => {
        if (result.done) throw new Error("the message stream ended without an error");
        return result.value;
      }),
      "a message",
    );
  const ended = (): Promise<TransportClosedError> =>
    within(
      iterator.next().then(
        (result) => {
          throw new Error(`expected the stream to fail, got ${JSON.stringify(result)}`);
        },
        (error: unknown) => {
          assert.ok(error instanceof TransportClosedError, `expected a TransportClosedError, got ${String(error)}`);
          return error;
        },
      ),
      "the end of the message stream",
    );
  return {
    transport,
    errors,
    next,
    ended,
    died: async () => {
      assert.equal((await next() as { method?: unknown }).method, "dying");
      return ended();
    },
  };
}

/** True while a process with this pid exists (zombies included). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, "ESRCH");
    return false;
  }
}

describe("ProcessTransport", () => {
  it("parses messages written in many small writes, cut inside multi-byte characters and between CR and LF", async (t) => {
    const peer = await startPeer(t);
    const text = "héllo wörld, 日本語, emoji 😀🎉, ß∑€";
    peer.transport.send({ id: 1, method: "split", params: { text, pauseMs: 5 } });
    assert.deepEqual(await peer.next(), { id: 1, result: { text } });
    assert.deepEqual(await peer.next(), { method: "split/after", params: { text } });
    assert.deepEqual(peer.errors, []);
  });

  it("reports non-JSON lines through onError as ProtocolError and keeps delivering the messages around them", async (t) => {
    const peer = await startPeer(t);
    peer.transport.send({ id: 1, method: "echo", params: { before: true } });
    assert.deepEqual(await peer.next(), { id: 1, result: { before: true } });

    const garbage = ["this is not json", '{"id": 2, "result":', "", "   ", "[1, 2"];
    peer.transport.send({ id: 2, method: "raw", params: { lines: garbage } });
    assert.deepEqual(await peer.next(), { id: 2, result: { written: garbage.length } });
    // Blank lines are framing noise, not errors; the three broken lines are each reported once.
    assert.equal(peer.errors.length, 3);
    for (const error of peer.errors) assert.ok(error instanceof ProtocolError);
    assert.match(peer.errors[0]?.message ?? "", /not JSON: this is not json/);

    peer.transport.send({ id: 3, method: "echo", params: { after: true } });
    assert.deepEqual(await peer.next(), { id: 3, result: { after: true } });
  });

  it("drops and reports lines longer than maxLineLength, whether they arrive in one chunk or many", async (t) => {
    const peer = await startPeer(t, [], { maxLineLength: 1000 });
    const short = JSON.stringify({ method: "long", params: { text: "x".repeat(2000) } });
    // Far beyond one pipe read (64 KiB), so the decoder sees it in pieces.
    const huge = JSON.stringify({ method: "long", params: { text: "y".repeat(300_000) } });
    peer.transport.send({ id: 1, method: "raw", params: { lines: [short, huge, JSON.stringify({ method: "fits" })] } });
    assert.deepEqual(await peer.next(), { method: "fits" });
    assert.deepEqual(await peer.next(), { id: 1, result: { written: 3 } });
    assert.equal(peer.errors.length, 2);
    for (const error of peer.errors) {
      assert.ok(error instanceof ProtocolError);
      assert.match(error.message, /longer than maxLineLength \(1000\)/);
    }
  });

  it("delivers a last message that has no trailing newline when the peer exits", async (t) => {
    const peer = await startPeer(t);
    peer.transport.send({ id: 1, method: "die", params: { stdout: JSON.stringify({ method: "last/words" }), exitCode: 0 } });
    assert.equal((await peer.next() as { method?: unknown }).method, "dying");
    assert.deepEqual(await peer.next(), { method: "last/words" });
    const error = await peer.ended();
    assert.equal(error.exitCode, 0);
  });

  it("accepts messages without a jsonrpc member, exactly as the runtime writes them", async (t) => {
    const peer = await startPeer(t);
    peer.transport.send({ jsonrpc: "2.0", id: 7, method: "echo", params: { a: 1 } });
    const message = await peer.next();
    assert.deepEqual(message, { id: 7, result: { a: 1 } });
    assert.equal(Object.hasOwn(message as object, "jsonrpc"), false);
  });

  it("ends the message stream with a TransportClosedError carrying the exit code and the stderr tail when the peer exits", async (t) => {
    const peer = await startPeer(t, ["--stderr=starting up"]);
    peer.transport.send({ id: 1, method: "die", params: { stderr: "fatal: the disk is on fire\nsecond line\n", exitCode: 3 } });
    const error = await peer.died();
    assert.equal(error.exitCode, 3);
    assert.equal(error.signal, null);
    assert.equal(error.stderrTail, "starting up\nfatal: the disk is on fire\nsecond line");
    assert.match(error.message, /the runtime exited \(exit code 3\)/);
    assert.match(error.message, /fatal: the disk is on fire/);
    assert.throws(() => peer.transport.send({ id: 2, method: "echo" }), (thrown) => thrown === error);
  });

  it("records the signal and a null exit code when the peer is killed by a signal", async (t) => {
    const peer = await startPeer(t);
    peer.transport.send({ id: 1, method: "die", params: { stderr: "about to be killed\n", signal: "SIGKILL" } });
    const error = await peer.died();
    assert.equal(error.exitCode, null);
    assert.equal(error.signal, "SIGKILL");
    assert.equal(error.stderrTail, "about to be killed");
    assert.match(error.message, /signal SIGKILL/);
  });

  it("keeps only a bounded tail of a long stderr, ending with the last lines written", async (t) => {
    const peer = await startPeer(t);
    const stderr = Array.from({ length: 500 }, (_, i) => `log line ${i}\n`).join("");
    peer.transport.send({ id: 1, method: "die", params: { stderr, exitCode: 1 } });
    const error = await peer.died();
    assert.ok(error.stderrTail.endsWith("log line 499"));
    assert.ok(!error.stderrTail.includes("log line 0\n"));
    assert.ok(error.stderrTail.split("\n").length <= 40);
  });

  it("redacts secrets the peer writes to stderr before quoting them", async (t) => {
    const peer = await startPeer(t);
    peer.transport.send({ id: 1, method: "die", params: { stderr: "auth failed for sk-abcdefghijklmnop1234\n" } });
    const error = await peer.died();
    assert.match(error.stderrTail, /auth failed for \[REDACTED\]/);
    assert.ok(!error.message.includes("sk-abcdefghijklmnop1234"));
  });

  it("closes by ending stdin, so a well-behaved child exits on its own with code 0", async (t) => {
    const peer = await startPeer(t, [], { closeTimeoutMs: HANG_MS });
    peer.transport.send({ id: 1, method: "echo", params: {} });
    await peer.next();
    const pid = peer.transport.pid;
    assert.ok(pid !== undefined);
    const stream = peer.ended();
    await within(peer.transport.close(), "close()");
    const error = await stream;
    assert.equal(error.exitCode, 0);
    assert.equal(error.signal, null);
    assert.match(error.message, /closed by the client/);
    assert.equal(isAlive(pid), false);
    // Closing again is a no-op that resolves at once.
    await within(peer.transport.close(), "a second close()");
  });

  it("escalates to SIGKILL when the child ignores both stdin EOF and SIGTERM, and the child is gone afterwards", async (t) => {
    const closeTimeoutMs = 100;
    const peer = await startPeer(t, ["--ignore-term"], { closeTimeoutMs });
    // A reply proves the SIGTERM handler is installed before we close.
    peer.transport.send({ id: 1, method: "echo", params: {} });
    await peer.next();
    const pid = peer.transport.pid;
    assert.ok(pid !== undefined);
    const stream = peer.ended();
    const started = performance.now();
    await within(peer.transport.close(), "close()");
    const elapsed = performance.now() - started;
    const error = await stream;
    assert.equal(error.signal, "SIGKILL");
    assert.equal(error.exitCode, null);
    assert.match(error.stderrTail, /ignored SIGTERM/);
    assert.equal(isAlive(pid), false);
    // Two stages (EOF, then SIGTERM) of closeTimeoutMs each, then SIGKILL.
    assert.ok(elapsed >= 2 * closeTimeoutMs - 10, `close() took ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed < 2 * closeTimeoutMs + 1000, `close() took ${elapsed.toFixed(0)} ms`);
    t.diagnostic(`close() of a child ignoring SIGTERM took ${elapsed.toFixed(0)} ms with closeTimeoutMs ${closeTimeoutMs}`);
  });

  it("rejects start() with a TransportClosedError when the command does not exist", async () => {
    const transport = new ProcessTransport({ command: "/nonexistent/codex-app-sdk-missing-binary", args: [], env: process.env });
    const error = await within(
      transport.start().then(
        () => assert.fail("start() resolved"),
        (thrown: unknown) => thrown,
      ),
      "start()",
    );
    assert.ok(error instanceof TransportClosedError);
    assert.match(error.message, /could not start \/nonexistent\/codex-app-sdk-missing-binary/);
    assert.equal((error.cause as NodeJS.ErrnoException).code, "ENOENT");
    assert.throws(() => transport.send({ id: 1, method: "echo" }), TransportClosedError);
    await assert.rejects(within(transport.messages[Symbol.asyncIterator]().next(), "the message stream"), TransportClosedError);
    await within(transport.close(), "close()");
  });

  it("throws a TransportClosedError from send() after close()", async (t) => {
    const peer = await startPeer(t);
    await within(peer.transport.close(), "close()");
    assert.throws(() => peer.transport.send({ id: 1, method: "echo" }), TransportClosedError);
  });

  it("throws a TransportClosedError from send() while close() is still in progress", async (t) => {
    const peer = await startPeer(t);
    const closing = peer.transport.close();
    assert.throws(() => peer.transport.send({ id: 1, method: "echo" }), TransportClosedError);
    await within(closing, "close()");
  });

  it("throws a TransportClosedError from send() before start()", () => {
    const transport = new ProcessTransport({ command: process.execPath, args: [PEER], env: process.env });
    assert.throws(() => transport.send({ id: 1, method: "echo" }), TransportClosedError);
  });
});
