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

import { FakeModel } from "../../lib/testing/index.js";

/** A fixed short answer, streamed as four deltas, so every turn costs the runtime the same. */
const REPLY_TEXT = "Hello from the benchmark model.";
/** `BENCH_REPLY_DELTAS=n`: answer with one word per delta, n deltas (the opt-out benchmark's chatty turn). */
const deltas = Number(process.env.BENCH_REPLY_DELTAS ?? 0);
const chatty = Array.from({ length: deltas }, (_, index) => `w${index % 10} `);

const model = await FakeModel.start({ defaultReply: deltas > 0 ? { type: "text", text: chatty.join(""), deltas: chatty } : { type: "text", text: REPLY_TEXT } });
process.stdout.write(`${model.baseUrl}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void model.close().then(() => process.exit(0));
});
