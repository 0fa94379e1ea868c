// What a harsh soak found (random aborts, hostile model output, close during load), each fault
// reproduced on its own: no turn is poisoned by the one before, no dropped line leaves a waiter
// hanging, a close gives every waiting call the same error class, and big answers are let go.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { ProtocolError, TransportClosedError } from "../../lib/index.js";
import { userTexts } from "../../lib/testing/index.js";
import { rejectionOf, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex } from "../support/offline-codex.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MB = 1024 * 1024;

/** Heap in use after a full collection, in bytes. */
async function settledHeap(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  return process.memoryUsage().heapUsed;
}

/** `count` chunks of `size` characters each, for a reply that streams `count * size` characters. */
function bigDeltas(count: number, size: number): string[] {
  return Array.from({ length: count }, (_, index) => `${index}`.padEnd(size, "x"));
}

test("after turns aborted at random moments on several threads, each thread's next turn completes with its own answer and is stored with its input", async (t) => {
  const { codex, env } = await offlineCodex(t, {
    environment: { model: { defaultReply: (request) => ({ type: "text", text: `echo: ${userTexts(request).at(-1)} with some more words to stream slowly`, eventDelayMs: 10 }) } },
  });
  const threads = await Promise.all(Array.from({ length: 6 }, () => codex.threadStart()));
  const startedAt = performance.now();
  await Promise.all(
    threads.map(async (thread, threadIndex) => {
      for (let index = 0; index < 8; index += 1) {
        // At a random point: while turn/start is in flight (always so for the last one, the case
        // that poisoned the next turn), or after some of the turn's notifications.
        const abortAt = index === 7 || Math.random() < 0.4 ? -1 : Math.floor(Math.random() * 12);
        const controller = new AbortController();
        const abort = (): void => controller.abort(new Error("soak abort"));
        try {
          const starting = thread.turn(`aborted ${threadIndex}.${index}`, { signal: controller.signal });
          if (abortAt === -1) setImmediate(abort);
          let seen = 0;
          for await (const _ of await starting) if (++seen > abortAt) abort();
        } catch (error) {
          assert.equal((error as Error).message, "soak abort");
        }
      }
    }),
  );
  const finals = await within(Promise.all(threads.map((thread, index) => thread.run(`final ${index}`))), "the turns after the aborts");
  for (const [index, result] of finals.entries()) {
    assert.equal(result.status, "completed", `thread ${index}`);
    assert.equal(result.finalResponse, `echo: final ${index} with some more words to stream slowly`);
    const { thread } = await threads[index]!.read({ includeTurns: true });
    const stored = thread.turns.find((turn) => turn.id === result.id);
    assert.ok(stored, `thread ${index} stored the final turn`);
    const inputs = stored.items.flatMap((item) => (item.type === "userMessage" ? item.content.flatMap((part) => (part.type === "text" ? [part.text] : [])) : []));
    assert.deepEqual(inputs, [`final ${index}`], `thread ${index}: the final turn holds its own input only`);
  }
  assert.equal(codex.activeTurnRoutes, 0);
  t.diagnostic(`48 aborted turns and 6 final ones in ${(performance.now() - startedAt).toFixed(0)} ms; ${env.model.responseRequests.length} model calls`);
});

test("a turn whose turn/completed line is too long to read fails with a ProtocolError naming it, and the thread takes the next turn", async (t) => {
  // The soak's 10 MB answer past a 4 MiB limit, scaled down to keep the test quick: 3 MB past 1 MiB.
  const deltas = bigDeltas(48, 64 * 1024);
  const { codex, errors } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "text", text: deltas.join(""), deltas }, { type: "text", text: "small again" }] } },
    codex: { maxLineLength: MB },
  });
  const thread = await codex.threadStart();
  const turn = await thread.turn("a 3 MB answer, please");
  const error = await within(turn.run().then(() => undefined, (reason: unknown) => reason), "the turn whose lines were dropped");
  assert.ok(error instanceof ProtocolError, String(error));
  assert.match(error.message, new RegExp(`turn/completed notification of turn ${turn.id} was longer than maxLineLength \\(1048576\\)`));
  assert.equal(codex.activeTurnRoutes, 0);
  assert.ok(errors.some((reported) => reported instanceof ProtocolError && /^Dropped a \d+-character line/.test(reported.message)));
  const next = await within(thread.run("and now?"), "the next turn");
  assert.equal(next.finalResponse, "small again");
});

test("a response too long to read rejects its request with a ProtocolError at once, and the connection serves the next call", async (t) => {
  const { codex } = standInCodex(t, { script: { "model/list": [{ answer: { data: "x".repeat(5000) } }] }, codex: { maxLineLength: 2000 } });
  await codex.start();
  const error = await within(rejectionOf(codex.models()), "the dropped answer");
  assert.ok(error instanceof ProtocolError, String(error));
  assert.match(error.message, /answer to request \d+ was longer than maxLineLength \(2000\) and was dropped/);
  assert.equal((await codex.account()).account, null);
});

test("close() while calls wait behind maxInFlightRequests rejects every one of them with TransportClosedError", async (t) => {
  const { codex } = await offlineCodex(t, { codex: { maxInFlightRequests: 2 } });
  await codex.start();
  const calls = Array.from({ length: 100 }, () => codex.account().then(() => undefined, (error: unknown) => error));
  // Two requests in flight and the rest waiting: the runtime still answers those two after stdin
  // closed, which frees slots for calls that can no longer be sent.
  assert.equal(await calls[0], undefined);
  await codex.close();
  const outcomes = await within(Promise.all(calls), "the waiting calls");
  const failures = outcomes.filter((outcome) => outcome !== undefined);
  assert.ok(failures.length > 0, "close() came before most calls were sent");
  for (const failure of failures) assert.ok(failure instanceof TransportClosedError, `${String(failure)}`);
  t.diagnostic(`${100 - failures.length} calls answered before the close, ${failures.length} rejected with TransportClosedError`);
});

test("a 20 MB answer is released when its turn ends: the idle client keeps no copy of it", async (t) => {
  const deltas = bigDeltas(320, 64 * 1024);
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: deltas.join(""), deltas }] } } });
  const thread = await codex.threadStart();
  const before = await settledHeap();
  // In a function of its own, so that no frame of the test holds the handle afterwards.
  const streamed = async (): Promise<number> => {
    let length = 0;
    const turn = await thread.turn("a 20 MB answer, please");
    for await (const notification of turn) if (notification.method === "item/agentMessage/delta") length += notification.params.delta.length;
    return length;
  };
  const length = await streamed();
  assert.equal(length, 20 * MB);
  const retained = (await settledHeap()) - before;
  assert.ok(retained < 4 * MB, `${(retained / MB).toFixed(1)} MB retained after the turn ended`);
  t.diagnostic(`heap retained after a 20 MB turn: ${(retained / MB).toFixed(1)} MB`);
});
