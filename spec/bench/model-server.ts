/**
 * Runs the SDK's {@link FakeModel} in a process of its own, so that neither its CPU (it parses each
 * ~40 KB request the runtime sends) nor its memory (it records every request) counts against the
 * client being measured in the benchmark process. Prints the model's base URL as one line on
 * stdout, then serves until stdin ends, which also happens when the benchmark process dies.
 *
 * Usage: `node --import tsx spec/bench/model-server.ts`
 *
 * @module
 */

import { FakeModel, userTexts } from "../../lib/testing/index.js";

/** A fixed short answer, streamed as four deltas, so every turn costs the runtime the same. */
const REPLY_TEXT = "Hello from the benchmark model.";
const chattyDeltas = Number(process.env.BENCH_REPLY_DELTAS ?? 0);

/**
 * `stream N` prompts get N one-word deltas (the remote streaming benchmark); with
 * `BENCH_REPLY_DELTAS=n` every other prompt gets n (the opt-out benchmark's chatty turn); the rest
 * the short answer.
 */
const model = await FakeModel.start({
  defaultReply: (request) => {
    const deltas = Number(/^stream (\d+)$/.exec(userTexts(request).at(-1) ?? "")?.[1] ?? chattyDeltas);
    if (deltas === 0) return { type: "text", text: REPLY_TEXT };
    const words = Array.from({ length: deltas }, (_, index) => `w${index % 10} `);
    return { type: "text", text: words.join(""), deltas: words };
  },
});
process.stdout.write(`${model.baseUrl}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void model.close().then(() => process.exit(0));
});
