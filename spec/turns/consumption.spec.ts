import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncQueue } from "../../lib/async-queue.js";
import { CodexError } from "../../lib/errors.js";
import type { Notification } from "../../lib/protocol/notification.js";
import { Consumption } from "../../lib/turns/consumption.js";

const labels = { subject: "Turn t1", handle: "TurnHandle", afterLeaving: "the SDK stopped following it" };
const note = (delta: string): Notification => ({ method: "item/agentMessage/delta", params: { threadId: "th", turnId: "t1", itemId: "i", delta } }) as Notification;

async function* source(...items: Notification[]): AsyncGenerator<Notification> {
  yield* items;
}

/** A handle over `items` as TurnHandle and GoalHandle build one. */
function handle(consumption: Consumption, items: AsyncIterable<Notification>, seen: Notification[] = []): AsyncIterable<Notification> {
  return { [Symbol.asyncIterator]: () => consumption.iterate(items, (notification) => seen.push(notification)) };
}

test("a consumption observes every notification once and finishes after a loop that ran to the end", async () => {
  const consumption = new Consumption(labels);
  const seen: Notification[] = [];
  const stream = handle(consumption, source(note("a"), note("b")), seen);
  for await (const _ of stream);
  assert.equal(seen.length, 2);
  await consumption.finished(stream);
  assert.throws(() => consumption.iterate(source(), () => {}), /Turn t1 was already consumed: iterate a TurnHandle once/);
});

test("a consumption nobody iterated drains its handle when finished is awaited", async () => {
  const consumption = new Consumption(labels);
  const seen: Notification[] = [];
  await consumption.finished(handle(consumption, source(note("a")), seen));
  assert.equal(seen.length, 1);
});

test("a consumption left with break says there is no result, and one that threw rethrows its error", async () => {
  const left = new Consumption(labels);
  const stream = handle(left, source(note("a"), note("b")));
  for await (const _ of stream) break;
  await assert.rejects(left.finished(stream), (error: unknown) => error instanceof CodexError && /was left before its end .*the SDK stopped following it/.test(error.message));

  const failed = new Consumption(labels);
  const boom = new Error("runtime gone");
  const broken = handle(failed, (async function* () {
    yield note("a");
    throw boom;
  })());
  await assert.rejects(async () => {
    for await (const _ of broken);
  }, boom);
  await assert.rejects(failed.finished(broken), boom);
});

test("finished rejects while the loop still runs", async () => {
  const consumption = new Consumption(labels);
  const iterator = handle(consumption, source(note("a"), note("b")))[Symbol.asyncIterator]();
  await iterator.next();
  await assert.rejects(consumption.finished({ [Symbol.asyncIterator]: () => iterator }), /Turn t1 is being iterated: call run\(\) after the loop ended/);
  await iterator.return?.();
});

test("a next() made while another is pending waits for it, as with a generator", async () => {
  const consumption = new Consumption(labels);
  // A queue takes one pending next() at a time: the consumption must not pass on the others.
  const queue = new AsyncQueue<Notification>();
  const iterator = handle(consumption, queue)[Symbol.asyncIterator]();
  const results = Promise.all([iterator.next(), iterator.next(), iterator.next()]);
  queue.push(note("a"));
  queue.push(note("b"));
  queue.end();
  const [first, second, third] = await results;
  assert.deepEqual([first, second, third].map((result) => (result.done ? "done" : result.value.method === "item/agentMessage/delta" && result.value.params.delta)), ["a", "b", "done"]);
  await consumption.finished({ [Symbol.asyncIterator]: () => iterator });
});

test("an observer that throws ends the loop with its error, releases the source, and the ended loop only says done", async () => {
  const consumption = new Consumption(labels);
  let released = false;
  const items = (async function* () {
    try {
      yield note("a");
      yield note("b");
    } finally {
      released = true;
    }
  })();
  const invalid = new Error("invalid notification");
  const iterator = consumption.iterate(items, () => {
    throw invalid;
  });
  await assert.rejects(iterator.next(), invalid);
  assert.equal(released, true);
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  await assert.rejects(consumption.finished({ [Symbol.asyncIterator]: () => iterator }), invalid);
});

test("return() before the end leaves the loop and the source", async () => {
  const consumption = new Consumption(labels);
  let released = false;
  const items = (async function* () {
    try {
      yield note("a");
      yield note("b");
    } finally {
      released = true;
    }
  })();
  const iterator = consumption.iterate(items, () => {});
  await iterator.next();
  assert.deepEqual(await iterator.return?.(), { value: undefined, done: true });
  assert.equal(released, true);
  assert.deepEqual(await iterator.next(), { value: undefined, done: true });
  await assert.rejects(consumption.finished({ [Symbol.asyncIterator]: () => iterator }), /was left before its end/);
});
