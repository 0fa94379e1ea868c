import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { describe, it, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import {
  InvalidArgumentError,
  InvalidParamsError,
  InvalidRequestError,
  JsonRpcError,
  MethodNotFoundError,
  ProtocolError,
  RequestTimeoutError,
  ServerBusyError,
  TransportClosedError,
} from "../../lib/errors.js";
import { type IncomingNotification, RpcPeer, type RpcPeerOptions } from "../../lib/rpc/peer.js";
import { ProcessTransport } from "../../lib/transport/process-transport.js";
import { HANG_MS, within } from "../support/assertions.js";

const PEER = fileURLToPath(new URL("../fixtures/scripted-peer.mjs", import.meta.url));

/** The rejection reason of `promise` (fails the test if it resolves or hangs). */
function rejectionOf(promise: Promise<unknown>, what: string): Promise<unknown> {
  return within(
    promise.then(
      (value) => assert.fail(`${what} resolved with ${JSON.stringify(value)}`),
      (error: unknown) => error,
    ),
    what,
  );
}

interface Harness {
  peer: RpcPeer;
  transport: ProcessTransport;
  errors: Error[];
  notifications: IncomingNotification[];
  /** Every error onClose received (it must be called once). */
  closeCalls: TransportClosedError[];
  /** Resolves with onClose's error. */
  closed: Promise<TransportClosedError>;
}

/** Starts an RpcPeer over the scripted fixture peer; the test's end closes it. */
async function startPeer(
  t: TestContext,
  options: Partial<Pick<RpcPeerOptions, "requestTimeoutMs" | "maxInFlightRequests" | "onNotification">> = {},
  flags: string[] = [],
): Promise<Harness> {
  const errors: Error[] = [];
  const notifications: IncomingNotification[] = [];
  const closeCalls: TransportClosedError[] = [];
  let onClosed: (error: TransportClosedError) => void = () => {};
  const closed = new Promise<TransportClosedError>((resolve) => {
    onClosed = resolve;
  });
  const transport = new ProcessTransport({
    command: process.execPath,
    args: [PEER, ...flags],
    env: process.env,
    onError: (error) => errors.push(error),
  });
  const peer = new RpcPeer(transport, {
    requestTimeoutMs: HANG_MS,
    maxInFlightRequests: 16,
    onNotification: (notification) => notifications.push(notification),
    onClose: (error) => {
      closeCalls.push(error);
      onClosed(error);
    },
    onError: (error) => errors.push(error),
    ...options,
  });
  t.after(() => peer.close());
  await within(peer.start(), "start()");
  return { peer, transport, errors, notifications, closeCalls, closed };
}

/** Waits until the peer's read loop has handled everything up to now: a round trip through the fixture. */
async function roundTrip(peer: RpcPeer): Promise<void> {
  assert.deepEqual(await within(peer.request("echo", { ping: true }), "echo"), { ping: true });
}

describe("RpcPeer", () => {
  it("resolves a request with its result although the peer omits the jsonrpc member", async (t) => {
    const { peer, errors } = await startPeer(t);
    const result = await within(peer.request("echo", { text: "hi", nested: { list: [1, 2, 3] } }), "echo");
    assert.deepEqual(result, { text: "hi", nested: { list: [1, 2, 3] } });
    assert.equal(peer.pendingCount, 0);
    assert.deepEqual(errors, []);
  });

  it("rejects a request whose signal is not an AbortSignal with InvalidArgumentError, sends nothing and stays usable", async (t) => {
    const { peer } = await startPeer(t);
    const error = await rejectionOf(peer.request("echo", { never: "sent" }, { signal: "abort" as never }), "request with a bad signal");
    assert.ok(error instanceof InvalidArgumentError && error.argument === "options.signal", String(error));
    assert.equal(peer.pendingCount, 0);
    await roundTrip(peer);
  });

  it("rejects a request answered with a JSON-RPC error with the subclass for its code, carrying code, message and data", async (t) => {
    const { peer } = await startPeer(t);
    const cases = [
      { code: -32602, message: "invalid params: cwd", data: { field: "cwd" }, Class: InvalidParamsError },
      { code: -32600, message: "no active turn to interrupt", data: undefined, Class: InvalidRequestError },
      { code: -32601, message: "Method not found", data: ["a", 1], Class: MethodNotFoundError },
      { code: -32001, message: "Server overloaded; retry later.", data: undefined, Class: ServerBusyError },
      { code: -1, message: "something else", data: "details", Class: JsonRpcError },
    ];
    for (const { code, message, data, Class } of cases) {
      const error = await rejectionOf(peer.request("fail", { code, message, ...(data === undefined ? {} : { data }) }), `fail ${code}`);
      assert.ok(error instanceof Class, `code ${code} gave ${String(error)}`);
      assert.equal(error.constructor, Class);
      assert.equal(error.code, code);
      assert.equal(error.rpcMessage, message);
      assert.deepEqual(error.data, data);
      assert.equal(error.method, "fail");
    }
    assert.equal(peer.pendingCount, 0);
  });

  it("rejects every pending request, sent or still queued, with the TransportClosedError and stderr tail within 1 s of the peer's death", async (t) => {
    const notified = new Map<string, number>();
    const { peer, closed, closeCalls } = await startPeer(t, {
      maxInFlightRequests: 4,
      onNotification: ({ method }) => notified.set(method, performance.now()),
    });
    const settledAt: number[] = [];
    const track = (promise: Promise<unknown>): Promise<unknown> =>
      rejectionOf(promise, "a pending request").finally(() => settledAt.push(performance.now()));
    // Four in flight (the last makes the fixture die), four more waiting for a slot.
    const calls = [
      track(peer.request("hang", {})),
      track(peer.request("hang", {})),
      track(peer.request("hang", {})),
      track(peer.request("die", { stderr: "panic: out of cheese\n", exitCode: 42 })),
      ...Array.from({ length: 4 }, () => track(peer.request("hang", {}))),
    ];
    assert.equal(peer.pendingCount, 8);
    const errors = await Promise.all(calls);
    const closeError = await within(closed, "onClose");
    for (const error of errors) assert.equal(error, closeError);
    assert.ok(closeError instanceof TransportClosedError);
    assert.equal(closeError.exitCode, 42);
    assert.equal(closeError.stderrTail, "panic: out of cheese");
    assert.match(closeError.message, /panic: out of cheese/);
    assert.equal(peer.pendingCount, 0);
    assert.equal(peer.closedError, closeError);
    assert.deepEqual(closeCalls, [closeError]);

    const diedAt = notified.get("dying");
    assert.ok(diedAt !== undefined, "the fixture announced its death");
    const latency = Math.max(...settledAt) - diedAt;
    assert.ok(latency < 1000, `the last pending request rejected ${latency.toFixed(1)} ms after the death`);
    t.diagnostic(`death → last of ${calls.length} rejections: ${latency.toFixed(1)} ms`);

    const started = performance.now();
    const later = await rejectionOf(peer.request("echo", {}), "a request after the death");
    const failFast = performance.now() - started;
    assert.equal(later, closeError);
    assert.ok(failFast < 50, `a request after the death took ${failFast.toFixed(1)} ms to fail`);
    assert.throws(() => peer.notify("initialized"), (thrown) => thrown === closeError);
    t.diagnostic(`a request after the death failed in ${failFast.toFixed(2)} ms`);
  });

  it("rejects a request that is never answered with a RequestTimeoutError and forgets it", async (t) => {
    const { peer, errors } = await startPeer(t);
    const started = performance.now();
    const error = await rejectionOf(peer.request("hang", {}, { timeoutMs: 50 }), "hang");
    const elapsed = performance.now() - started;
    assert.ok(error instanceof RequestTimeoutError);
    assert.equal(error.method, "hang");
    assert.equal(error.timeoutMs, 50);
    assert.ok(elapsed >= 45, `timed out after ${elapsed.toFixed(1)} ms`);
    assert.equal(peer.pendingCount, 0);
    await roundTrip(peer);
    assert.deepEqual(errors, []);
  });

  it("uses requestTimeoutMs when a call sets no timeoutMs", async (t) => {
    const { peer } = await startPeer(t, { requestTimeoutMs: 40 });
    const error = await rejectionOf(peer.request("hang", {}), "hang");
    assert.ok(error instanceof RequestTimeoutError);
    assert.equal(error.timeoutMs, 40);
    assert.equal(peer.pendingCount, 0);
  });

  it("frees the concurrency slot of a timed-out request so the requests queued behind it run", async (t) => {
    const { peer } = await startPeer(t, { maxInFlightRequests: 1 });
    const hung = rejectionOf(peer.request("hang", {}, { timeoutMs: 50 }), "hang");
    const queued = within(peer.request("echo", { queued: true }), "the queued echo");
    assert.ok((await hung) instanceof RequestTimeoutError);
    assert.deepEqual(await queued, { queued: true });
    assert.equal(peer.pendingCount, 0);
  });

  it("rejects with the signal's own reason and adds no listener when the signal is already aborted", async (t) => {
    const { peer } = await startPeer(t);
    const reason = { why: "the user pressed ctrl-c" };
    const controller = new AbortController();
    controller.abort(reason);
    const error = await rejectionOf(peer.request("echo", {}, { signal: controller.signal }), "echo");
    assert.equal(error, reason);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    assert.equal(peer.pendingCount, 0);
    const stats = (await within(peer.request("stats", {}), "stats")) as { received: Record<string, number> };
    assert.equal(stats.received.echo, undefined, "the aborted request never reached the peer");
  });

  it("rejects with the signal's own reason when aborted during the call, and removes its listener", async (t) => {
    const { peer, errors } = await startPeer(t);
    const reason = { why: "changed my mind" };
    const controller = new AbortController();
    const call = rejectionOf(peer.request("hang", {}, { signal: controller.signal }), "hang");
    assert.equal(getEventListeners(controller.signal, "abort").length, 1);
    await roundTrip(peer); // the hang request has reached the fixture
    controller.abort(reason);
    assert.equal(await call, reason);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    assert.equal(peer.pendingCount, 0);
    await roundTrip(peer);
    assert.deepEqual(errors, []);
  });

  it("rejects a request aborted while it waits for a concurrency slot, and never sends it", async (t) => {
    const { peer } = await startPeer(t, { maxInFlightRequests: 1 });
    const controller = new AbortController();
    const reason = new Error("not needed any more");
    const blocker = rejectionOf(peer.request("hang", {}, { timeoutMs: 100 }), "hang");
    const waiting = rejectionOf(peer.request("echo", { never: true }, { signal: controller.signal }), "echo");
    controller.abort(reason);
    assert.equal(await waiting, reason);
    assert.equal(getEventListeners(controller.signal, "abort").length, 0);
    assert.ok((await blocker) instanceof RequestTimeoutError);
    const stats = (await within(peer.request("stats", {}), "stats")) as { received: Record<string, number> };
    assert.deepEqual(stats.received, { hang: 1, stats: 1 });
    assert.equal(peer.pendingCount, 0);
  });

  it("leaves no listener on a long-lived signal after calls that succeed, fail or time out", async (t) => {
    const { peer } = await startPeer(t);
    const { signal } = new AbortController();
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(await within(peer.request("echo", { i }, { signal }), "echo"), { i });
    }
    await rejectionOf(peer.request("fail", { code: -32602, message: "no" }, { signal }), "fail");
    await rejectionOf(peer.request("hang", {}, { signal, timeoutMs: 20 }), "hang");
    assert.equal(getEventListeners(signal, "abort").length, 0);
    assert.equal(peer.pendingCount, 0);
  });

  it("answers a server request that has no handler with a -32601 error carrying the same id", async (t) => {
    const { peer } = await startPeer(t);
    const { reply } = (await within(
      peer.request("ask", { method: "item/tool/requestUserInput", params: { question: "?" } }),
      "ask",
    )) as { reply: unknown };
    // The runtime numbers its requests from 0: an id that is falsy but present.
    assert.deepEqual(reply, { jsonrpc: "2.0", id: 0, error: { code: -32601, message: "Method not found" } });
  });

  it("sends a registered handler's result back with the request's id", async (t) => {
    const { peer } = await startPeer(t);
    const seen: unknown[] = [];
    peer.setRequestHandler("item/commandExecution/requestApproval", (params) => {
      seen.push(params);
      return { decision: "accept" };
    });
    const params = { threadId: "t1", turnId: "u1", itemId: "i1", command: "echo hi", cwd: "/tmp" };
    const first = (await within(peer.request("ask", { method: "item/commandExecution/requestApproval", params }), "ask")) as { reply: unknown };
    assert.deepEqual(first.reply, { jsonrpc: "2.0", id: 0, result: { decision: "accept" } });
    const second = (await within(peer.request("ask", { method: "item/commandExecution/requestApproval", params }), "ask")) as { reply: unknown };
    assert.deepEqual(second.reply, { jsonrpc: "2.0", id: 1, result: { decision: "accept" } });
    assert.deepEqual(seen, [params, params]);
  });

  it("does not deadlock when a server-request handler itself awaits a request to the peer", async (t) => {
    const { peer } = await startPeer(t);
    peer.setRequestHandler("item/tool/call", async (params) => {
      const inner = await peer.request("echo", { from: "handler", params });
      return { inner };
    });
    const { reply } = (await within(peer.request("ask", { method: "item/tool/call", params: { tool: "x" } }), "ask")) as { reply: unknown };
    assert.deepEqual(reply, { jsonrpc: "2.0", id: 0, result: { inner: { from: "handler", params: { tool: "x" } } } });
    assert.equal(peer.pendingCount, 0);
  });

  it("answers a server request whose handler throws with an error reply and reports the failure", async (t) => {
    const { peer, errors } = await startPeer(t);
    peer.setRequestHandler("item/tool/call", () => {
      throw new Error("handler exploded");
    });
    const { reply } = (await within(peer.request("ask", { method: "item/tool/call", params: {} }), "ask")) as {
      reply: { id: unknown; error?: { code: number; message: string } };
    };
    assert.equal(reply.id, 0);
    assert.equal(reply.error?.code, -32603);
    assert.equal(reply.error?.message, "handler exploded");
    assert.equal(errors.length, 1);
    assert.equal((errors[0]?.cause as Error | undefined)?.message, "handler exploded");
    await roundTrip(peer);
  });

  it("survives a handler whose reply cannot be sent because the peer died meanwhile", async (t) => {
    const { peer, closed, errors } = await startPeer(t);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => {
      unhandled.push(reason);
    };
    process.on("unhandledRejection", onUnhandled);
    t.after(() => process.off("unhandledRejection", onUnhandled));
    let replied: () => void = () => {};
    const handlerDone = new Promise<void>((resolve) => {
      replied = resolve;
    });
    peer.setRequestHandler("item/tool/call", async () => {
      await closed;
      setImmediate(replied);
      return { late: true };
    });
    const error = await rejectionOf(peer.request("ask", { method: "item/tool/call", params: {}, then: "die" }), "ask");
    assert.ok(error instanceof TransportClosedError);
    await within(handlerDone, "the handler");
    // Unhandled rejections are detected once the microtask queue drains; give that one more turn.
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, []);
    // The closed connection is onClose's news; the lost reply adds nothing to report.
    assert.deepEqual(errors, []);
  });

  it("reports through onError a handler result that cannot be encoded as JSON, without crashing", async (t) => {
    const { peer, errors } = await startPeer(t);
    peer.setRequestHandler("item/tool/call", () => ({ tokens: 10n }));
    // The fixture never gets a reply, so this times out; long enough that the failed send is reported first, even on a loaded machine.
    const error = await rejectionOf(peer.request("ask", { method: "item/tool/call", params: {} }, { timeoutMs: 2000 }), "ask");
    assert.ok(error instanceof RequestTimeoutError, "the fixture got no reply");
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ProtocolError);
    assert.equal(errors[0].method, "item/tool/call");
    assert.ok(errors[0].cause instanceof TypeError);
    await roundTrip(peer);
  });

  it("reports a response with an unknown id through onError as a ProtocolError and keeps working", async (t) => {
    const { peer, errors } = await startPeer(t);
    assert.deepEqual(await within(peer.request("unknownId", { id: 4242 }), "unknownId"), { ok: true });
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ProtocolError);
    assert.match(errors[0].message, /4242/);
    await roundTrip(peer);
    assert.equal(errors.length, 1);
    assert.equal(peer.pendingCount, 0);
  });

  it("reports a JSON value that is not an object through onError and keeps working", async (t) => {
    const { peer, errors } = await startPeer(t);
    await within(peer.request("raw", { lines: ["42", "[1,2]", '"text"', "null"] }), "raw");
    assert.equal(errors.length, 4);
    for (const error of errors) assert.ok(error instanceof ProtocolError);
    await roundTrip(peer);
  });

  it("delivers notifications to onNotification in the order the peer sent them", async (t) => {
    const { peer, notifications, errors } = await startPeer(t);
    const count = 200;
    assert.deepEqual(await within(peer.request("notify", { count }), "notify"), { count });
    // The reply was written after the notifications, so all of them have been delivered already.
    assert.deepEqual(
      notifications.map(({ method, params }) => ({ method, params })),
      Array.from({ length: count }, (_, n) => ({ method: "progress", params: { n } })),
    );
    assert.deepEqual(errors, []);
  });

  it("keeps reading after an onNotification callback throws, and reports the throw through onError", async (t) => {
    const seen: number[] = [];
    const { peer, errors } = await startPeer(t, {
      onNotification: ({ params }) => {
        const { n } = params as { n: number };
        seen.push(n);
        if (n === 1) throw new Error("listener bug");
      },
    });
    await within(peer.request("notify", { count: 3 }), "notify");
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? "", /listener bug/);
  });

  it("never has more than maxInFlightRequests requests outstanding at the peer, yet answers all of them", async (t) => {
    const { peer } = await startPeer(t, { maxInFlightRequests: 2 });
    const count = 50;
    const started = performance.now();
    const calls = Array.from({ length: count }, (_, value) => peer.request("slow", { delayMs: 2, value }));
    assert.equal(peer.pendingCount, count);
    const results = await within(Promise.all(calls), "50 slow requests");
    const elapsed = performance.now() - started;
    assert.deepEqual(results, Array.from({ length: count }, (_, value) => ({ value })));
    const stats = (await within(peer.request("stats", {}), "stats")) as { maxConcurrent: number; received: Record<string, number> };
    assert.equal(stats.maxConcurrent, 2);
    assert.equal(stats.received.slow, count);
    assert.equal(peer.pendingCount, 0);
    t.diagnostic(`${count} requests through 2 slots took ${elapsed.toFixed(0)} ms`);
  });

  it("rejects requests still waiting behind maxInFlightRequests with the TransportClosedError when the client closes, although answers free their slots", async (t) => {
    const { peer, closed } = await startPeer(t, { maxInFlightRequests: 2 }, ["--answer-on-eof"]);
    const calls = Array.from({ length: 100 }, (_, value) => peer.request("slow", { delayMs: 60_000, value }).then(() => undefined, (error: unknown) => error));
    await within(peer.close(), "close()");
    const outcomes = await within(Promise.all(calls), "the waiting requests");
    const error = await closed;
    for (const outcome of outcomes.slice(2)) assert.equal(outcome, error, String(outcome));
    assert.equal(peer.pendingCount, 0);
  });

  it("rejects pending requests with a TransportClosedError when the client closes the peer", async (t) => {
    const { peer, closed } = await startPeer(t);
    const pending = rejectionOf(peer.request("hang", {}), "hang");
    await roundTrip(peer);
    await within(peer.close(), "close()");
    const error = await pending;
    assert.ok(error instanceof TransportClosedError);
    assert.equal(error, await closed);
    assert.match(error.message, /closed by the client/);
    assert.equal(peer.pendingCount, 0);
    assert.equal(await rejectionOf(peer.request("echo", {}), "echo after close"), error);
  });
});
