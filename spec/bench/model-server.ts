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

const model = await FakeModel.start({ defaultReply: { type: "text", text: REPLY_TEXT } });
process.stdout.write(`${model.baseUrl}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  void model.close().then(() => process.exit(0));
});
