import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { RetryContext } from "p-retry";
import { InvalidParamsError, JsonRpcError, ServerBusyError, TransportClosedError } from "../lib/errors.js";
import { retryOnOverload } from "../lib/retry.js";

const busy = (n: number) => new ServerBusyError(-32001, `Server overloaded; retry later. (${n})`, undefined, "turn/start");
/** Fast retries for tests. */
const FAST = { minTimeout: 1, maxTimeout: 2 };

/** A function that throws the given errors in turn, then returns `value`; counts its calls. */
function script<T>(errors: unknown[], value: T) {
  const calls: number[] = [];
  const fn = (attemptNumber: number): Promise<T> => {
    calls.push(attemptNumber);
    const error = errors[calls.length - 1];
    return error === undefined ? Promise.resolve(value) : Promise.reject(error);
  };
  return { fn, calls };
}

describe("retryOnOverload", () => {
  it("returns the value of a first successful attempt without retrying", async () => {
    const { fn, calls } = script([], "ok");
    assert.equal(await retryOnOverload(fn, FAST), "ok");
    assert.deepEqual(calls, [1]);
  });

  it("accepts a function returning a plain value", async () => {
    assert.equal(await retryOnOverload(() => 7, FAST), 7);
  });

  it("retries a ServerBusyError and returns the value of the third attempt", async () => {
    const { fn, calls } = script([busy(1), busy(2)], { models: [] });
    assert.deepEqual(await retryOnOverload(fn, FAST), { models: [] });
    assert.deepEqual(calls, [1, 2, 3]);
  });

  it("retries a plain JsonRpcError whose data says the server is overloaded", async () => {
    const { fn, calls } = script([new JsonRpcError(-32603, "upstream", { codexErrorInfo: "serverOverloaded" })], "ok");
    assert.equal(await retryOnOverload(fn, FAST), "ok");
    assert.equal(calls.length, 2);
  });

  it("rethrows a non-retryable error at once, as the same object, without reporting it", async () => {
    const error = new InvalidParamsError(-32602, "bad params", undefined, "thread/start");
    const { fn, calls } = script([error], "never");
    const reported: RetryContext[] = [];
    await assert.rejects(
      retryOnOverload(fn, { ...FAST, onFailedAttempt: (context) => void reported.push(context) }),
      (thrown) => thrown === error,
    );
    assert.deepEqual(calls, [1]);
    assert.deepEqual(reported, []);
  });

  it("does not retry other errors either, including network-looking TypeErrors and closed transports", async () => {
    const errors = [
      new Error("plain"),
      new TypeError("fetch failed"),
      new TypeError("x is not a function"),
      new TransportClosedError({ exitCode: 1, signal: null, stderrTail: "", reason: "exited" }),
    ];
    for (const error of errors) {
      const { fn, calls } = script([error], "never");
      await assert.rejects(retryOnOverload(fn, FAST), (thrown) => thrown === error);
      assert.equal(calls.length, 1, error.message);
    }
  });

  it("gives up after 3 attempts by default and rethrows the last ServerBusyError", async () => {
    const errors = [busy(1), busy(2), busy(3), busy(4)];
    const { fn, calls } = script(errors, "never");
    await assert.rejects(retryOnOverload(fn, FAST), (thrown) => thrown === errors[2]);
    assert.deepEqual(calls, [1, 2, 3]);
  });

  it("keeps the default of 3 attempts when options are passed explicitly as undefined", async () => {
    const errors = Array.from({ length: 20 }, (_, i) => busy(i + 1));
    const { fn, calls } = script(errors, "never");
    await assert.rejects(retryOnOverload(fn, { retries: undefined, minTimeout: 1, maxTimeout: 2 }), (thrown) => thrown === errors[2]);
    assert.equal(calls.length, 3);
  });

  it("makes 1 + retries attempts", async () => {
    for (const retries of [0, 1, 4]) {
      const { fn, calls } = script(Array.from({ length: 10 }, (_, i) => busy(i)), "never");
      await assert.rejects(retryOnOverload(fn, { ...FAST, retries }), ServerBusyError);
      assert.equal(calls.length, retries + 1);
    }
  });

  it("calls onFailedAttempt for each failure that will be retried, with the attempt number and error", async () => {
    const errors = [busy(1), busy(2)];
    const { fn } = script(errors, "ok");
    const reported: RetryContext[] = [];
    assert.equal(await retryOnOverload(fn, { ...FAST, onFailedAttempt: (context) => void reported.push(context) }), "ok");
    assert.deepEqual(
      reported.map(({ attemptNumber, error, retriesLeft }) => ({ attemptNumber, error, retriesLeft })),
      [
        { attemptNumber: 1, error: errors[0], retriesLeft: 2 },
        { attemptNumber: 2, error: errors[1], retriesLeft: 1 },
      ],
    );
  });

  it("does not call onFailedAttempt for the final failure, which is not retried", async () => {
    const { fn } = script([busy(1), busy(2), busy(3)], "never");
    const attempts: number[] = [];
    await assert.rejects(retryOnOverload(fn, { ...FAST, onFailedAttempt: ({ attemptNumber }) => void attempts.push(attemptNumber) }), ServerBusyError);
    assert.deepEqual(attempts, [1, 2]);
  });

  it("waits for an async onFailedAttempt before the next attempt", async () => {
    const events: string[] = [];
    const { fn } = script([busy(1)], "ok");
    await retryOnOverload(
      (attempt) => {
        events.push(`attempt ${attempt}`);
        return fn(attempt);
      },
      {
        ...FAST,
        onFailedAttempt: async () => {
          await Promise.resolve();
          events.push("reported");
        },
      },
    );
    assert.deepEqual(events, ["attempt 1", "reported", "attempt 2"]);
  });

  it("does not call the function at all when the signal is already aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled before start");
    controller.abort(reason);
    const { fn, calls } = script([], "never");
    await assert.rejects(retryOnOverload(fn, { ...FAST, signal: controller.signal }), (thrown) => thrown === reason);
    assert.deepEqual(calls, []);
  });

  it("stops retrying when the signal is aborted after a failure, rejecting with the abort reason", async () => {
    const controller = new AbortController();
    const reason = new Error("caller gave up");
    const { fn, calls } = script([busy(1), busy(2)], "never");
    await assert.rejects(
      retryOnOverload(fn, { ...FAST, signal: controller.signal, onFailedAttempt: () => controller.abort(reason) }),
      (thrown) => thrown === reason,
    );
    assert.deepEqual(calls, [1]);
  });

  it("cuts a long pause short when the signal is aborted during it", { timeout: 10_000 }, async () => {
    const controller = new AbortController();
    const reason = new Error("aborted during the pause");
    const { fn, calls } = script([busy(1)], "never");
    const started = performance.now();
    await assert.rejects(
      retryOnOverload(fn, {
        minTimeout: 60_000,
        maxTimeout: 60_000,
        signal: controller.signal,
        // Abort once the pause has begun: p-retry starts its timer after this callback settles.
        onFailedAttempt: () => void setImmediate(() => controller.abort(reason)),
      }),
      (thrown) => thrown === reason,
    );
    assert.deepEqual(calls, [1]);
    assert.ok(performance.now() - started < 5_000);
  });
});

describe("retryOnOverload backoff", () => {
  const realSetTimeout = globalThis.setTimeout;
  let delays: number[] = [];

  // Record the pauses p-retry asks for and run them at once, so no test waits for real.
  beforeEach(() => {
    delays = [];
    const recording = ((callback: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return realSetTimeout(callback, 0);
    }) as typeof setTimeout;
    globalThis.setTimeout = recording;
  });
  afterEach(() => {
    globalThis.setTimeout = realSetTimeout;
  });

  it("pauses 250 ms then 500 ms by default, each stretched by up to 2x jitter", async () => {
    const { fn } = script([busy(1), busy(2)], "ok");
    await retryOnOverload(fn);
    assert.equal(delays.length, 2);
    assert.ok(delays[0]! >= 250 && delays[0]! <= 500, `first pause ${delays[0]}`);
    assert.ok(delays[1]! >= 500 && delays[1]! <= 1000, `second pause ${delays[1]}`);
  });

  it("grows the pause by factor and caps it at maxTimeout", async () => {
    const { fn } = script([busy(1), busy(2), busy(3), busy(4)], "ok");
    await retryOnOverload(fn, { retries: 4, minTimeout: 100, factor: 3, maxTimeout: 500, randomize: false });
    assert.deepEqual(delays, [100, 300, 500, 500]);
  });

  it("keeps the default pauses when timing options are passed explicitly as undefined", async () => {
    const { fn } = script([busy(1), busy(2)], "ok");
    await retryOnOverload(fn, { minTimeout: undefined, maxTimeout: undefined, factor: undefined, randomize: false });
    assert.deepEqual(delays, [250, 500]);
  });
});
