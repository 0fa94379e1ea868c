import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AsyncQueue } from "../lib/async-queue.js";

/** Reads everything until the queue ends (or throws). */
async function drain<T>(queue: AsyncQueue<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of queue) items.push(item);
  return items;
}

/** Resolves with "pending" if `promise` has not settled once already-queued callbacks have run. */
async function stateOf(promise: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  const pending = Symbol("pending");
  const result = await Promise.race([
    promise.then(
      () => "resolved" as const,
      () => "rejected" as const,
    ),
    new Promise<typeof pending>((resolve) => setImmediate(() => resolve(pending))),
  ]);
  return result === pending ? "pending" : result;
}

describe("AsyncQueue", () => {
  it("yields pushed items in FIFO order and reports its size", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    queue.push(3);
    assert.equal(queue.size, 3);
    assert.deepEqual(await queue.next(), { value: 1, done: false });
    assert.equal(queue.size, 2);
    queue.end();
    assert.deepEqual(await drain(queue), [2, 3]);
    assert.equal(queue.size, 0);
  });

  it("resolves a pending next() with the next pushed item without buffering it", async () => {
    const queue = new AsyncQueue<string>();
    const next = queue.next();
    assert.equal(await stateOf(next), "pending");
    queue.push("a");
    assert.equal(queue.size, 0);
    assert.deepEqual(await next, { value: "a", done: false });
  });

  it("rejects a second concurrent next() instead of losing an item", async () => {
    const queue = new AsyncQueue<string>();
    const first = queue.next();
    await assert.rejects(queue.next(), /one pending next\(\) at a time/);
    queue.push("a");
    assert.deepEqual(await first, { value: "a", done: false });
  });

  it("delivers everything buffered before end() and then reports done, repeatedly", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    queue.end();
    assert.equal(queue.closed, true);
    assert.deepEqual(await drain(queue), [1, 2]);
    assert.deepEqual(await queue.next(), { value: undefined, done: true });
    assert.deepEqual(await queue.next(), { value: undefined, done: true });
  });

  it("ignores pushes after end()", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.end();
    queue.push(2);
    assert.deepEqual(await drain(queue), [1]);
  });

  it("settles a pending next() as done when end() is called", async () => {
    const queue = new AsyncQueue<number>();
    const next = queue.next();
    queue.end();
    assert.deepEqual(await next, { value: undefined, done: true });
  });

  it("throws the fail() error only after the buffered items are drained", async () => {
    const queue = new AsyncQueue<number>();
    const error = new Error("runtime exited");
    queue.push(1);
    queue.push(2);
    queue.fail(error);
    assert.equal(queue.closed, true);
    const seen: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const item of queue) seen.push(item);
      })(),
      (thrown) => thrown === error,
    );
    assert.deepEqual(seen, [1, 2]);
  });

  it("rejects a pending next() with the fail() error", async () => {
    const queue = new AsyncQueue<number>();
    const error = new Error("boom");
    const next = queue.next();
    queue.fail(error);
    await assert.rejects(next, (thrown) => thrown === error);
  });

  it("keeps the first ending: fail() after end() does not turn a clean end into an error", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.end();
    queue.fail(new Error("late"));
    assert.deepEqual(await drain(queue), [1]);
  });

  it("rejects at once on abort(), dropping everything buffered", async () => {
    const queue = new AsyncQueue<number>();
    const reason = new Error("aborted");
    queue.push(1);
    queue.push(2);
    queue.abort(reason);
    assert.equal(queue.size, 0);
    await assert.rejects(queue.next(), (thrown) => thrown === reason);
  });

  it("rejects a pending next() on abort()", async () => {
    const queue = new AsyncQueue<number>();
    const reason = new Error("aborted");
    const next = queue.next();
    queue.abort(reason);
    await assert.rejects(next, (thrown) => thrown === reason);
  });

  it("turns an ended queue into a failed one on abort(), dropping the unread items", async () => {
    const queue = new AsyncQueue<number>();
    const reason = new Error("cancelled");
    queue.push(1);
    queue.end();
    queue.abort(reason);
    await assert.rejects(queue.next(), (thrown) => thrown === reason);
  });

  it("calls onReturn exactly once when the consumer stops early, and then ends", async () => {
    let returns = 0;
    const queue = new AsyncQueue<number>(() => {
      returns += 1;
    });
    queue.push(1);
    queue.push(2);
    queue.push(3);
    for await (const item of queue) {
      assert.equal(item, 1);
      break;
    }
    assert.equal(returns, 1);
    assert.equal(queue.closed, true);
    assert.equal(queue.size, 0);
    assert.deepEqual(await queue.return(), { value: undefined, done: true });
    assert.equal(returns, 1);
    queue.push(4);
    assert.deepEqual(await queue.next(), { value: undefined, done: true });
  });

  it("settles a pending next() as done when return() is called", async () => {
    let returns = 0;
    const queue = new AsyncQueue<number>(() => {
      returns += 1;
    });
    const next = queue.next();
    await queue.return();
    assert.deepEqual(await next, { value: undefined, done: true });
    assert.equal(returns, 1);
  });

  it("does not call onReturn when the queue had already ended by itself", async () => {
    let returns = 0;
    const queue = new AsyncQueue<number>(() => {
      returns += 1;
    });
    queue.end();
    await queue.return();
    assert.equal(returns, 0);
  });

  it("drains a 100k-item buffer in order through its compaction path, interleaved with pushes", async () => {
    const queue = new AsyncQueue<number>();
    const total = 100_000;
    for (let i = 0; i < total / 2; i += 1) queue.push(i);
    const seen: number[] = [];
    // Read past the compaction threshold, then push the rest while items are still buffered.
    for (let i = 0; i < 30_000; i += 1) seen.push((await queue.next()).value as number);
    for (let i = total / 2; i < total; i += 1) queue.push(i);
    assert.equal(queue.size, total - 30_000);
    queue.end();
    for await (const item of queue) seen.push(item);
    assert.equal(seen.length, total);
    for (let i = 0; i < total; i += 1) {
      if (seen[i] !== i) assert.fail(`item ${i} was ${seen[i]}`);
    }
    assert.equal(queue.size, 0);
  });
});
