/**
 * Streaming: react to each kind of notification of a turn as it arrives, e.g. for a progress UI.
 *
 *   npx tsx samples/streaming.ts [--live]
 */
import { openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex({ replies: [{ type: "text", text: "Streaming lets you show progress as it happens." }] });
const thread = await sample.codex.threadStart({ cwd: sample.cwd });
const turn = await thread.turn("Why stream a turn?");

for await (const n of turn) {
  // `n` is a discriminated union on `method`: each branch sees that notification's params type.
  switch (n.method) {
    case "turn/started":
      console.log(`[turn ${n.params.turn.id} started]`);
      break;
    case "item/started":
      console.log(`[item started: ${n.params.item.type}]`);
      break;
    case "item/agentMessage/delta":
      console.log(`[delta] ${JSON.stringify(n.params.delta)}`);
      break;
    case "item/completed":
      if (n.params.item.type === "agentMessage") console.log(`[agent message] ${n.params.item.text}`);
      break;
    case "thread/tokenUsage/updated":
      console.log(`[tokens] ${n.params.tokenUsage.last.totalTokens}`);
      break;
    case "turn/completed":
      console.log(`[turn completed: ${n.params.turn.status}]`);
      break;
  }
}
