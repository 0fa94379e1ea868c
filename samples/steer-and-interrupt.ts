/**
 * Turn controls: steer a running turn with more input, and interrupt one that takes too long.
 *
 *   npx tsx samples/steer-and-interrupt.ts [--live]
 */
import { userTexts } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model counts slowly so there is time to steer, and never finishes the essay.
await using sample = await openSampleCodex({
  defaultReply: (request) =>
    userTexts(request).at(-1)?.includes("essay")
      ? { type: "hang" }
      : { type: "text", text: "Counting slowly: one two three four five", eventDelayMs: 100 },
});
const thread = await sample.codex.threadStart({ cwd: sample.cwd });

const counting = await thread.turn("Count to five, slowly.");
for await (const n of counting) {
  // Steer as soon as the answer starts: the input joins the running turn.
  if (n.method === "item/agentMessage/delta") {
    const { turnId } = await counting.steer("Actually, only even numbers.");
    console.log(`steered turn ${turnId === counting.id ? "is the running turn" : "is another turn"}`);
    break; // stop watching; run() below would not be allowed on a consumed handle
  }
}

const slow = await thread.turn("Write a very long essay.");
// Interrupt as soon as the model starts answering; the turn then completes as "interrupted".
// A signal works too: thread.turn(input, { signal: AbortSignal.timeout(5_000) }) interrupts on timeout.
for await (const n of slow) {
  if (n.method === "item/started" && n.params.item.type === "agentMessage") await slow.interrupt();
  if (n.method === "turn/completed") console.log(`slow turn ended: ${n.params.turn.status}`);
}
