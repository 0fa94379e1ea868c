/**
 * Quickstart: start a thread, stream one turn's answer as it is written, then print its result.
 *
 *   npx tsx samples/quickstart.ts          # on the bundled fake model, offline
 *   npx tsx samples/quickstart.ts --live   # on your Codex account
 */
import { openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex({ replies: [{ type: "text", text: "Hello! I am Codex, streaming this answer word by word." }] });
const { codex } = sample;

const thread = await codex.threadStart({ cwd: sample.cwd });
const turn = await thread.turn("Say hello in one sentence.");

// A TurnHandle is an async iterable of the turn's notifications; the loop ends after turn/completed.
for await (const notification of turn) {
  if (notification.method === "item/agentMessage/delta") process.stdout.write(notification.params.delta);
}
process.stdout.write("\n");

// Or let the SDK collect everything: thread.run() returns a TurnResult.
const result = await thread.run("Now say goodbye.");
console.log(`status: ${result.status}`);
console.log(`final response: ${result.finalResponse}`);
console.log(`items: ${result.items.map((item) => item.type).join(", ")}`);
console.log(`tokens used: ${result.usage?.last.totalTokens ?? "unknown"}`);
console.log(`runtime version: ${codex.metadata.serverVersion}`);
