/**
 * Goals: give a thread an objective and the runtime works toward it over as many turns as it
 * takes, until the model marks it complete (or it runs out of budget, is paused or gets blocked).
 * The SDK streams all of it as one logical turn. `tokenBudget` caps what it may spend.
 *
 *   npx tsx samples/goal.ts [--live]
 */
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model works in two turns: a first step, then (in the runtime's own
// continuation turn) it marks the goal complete with its update_goal tool and sums up.
await using sample = await openSampleCodex(
  {
    replies: [
      { type: "text", text: "Step one: listed the files." },
      { type: "updateGoal", status: "complete" },
      { type: "text", text: "Done: the folder is empty, nothing to tidy." },
    ],
  },
  { goals: true },
);

const thread = await sample.codex.threadStart({ cwd: sample.cwd });
const goal = await thread.startGoal("Tidy up this folder and say when it is done", { tokenBudget: 50_000 });
console.log(`goal started as turn ${goal.id}`);
for await (const n of goal) {
  if (n.method === "thread/goal/updated") console.log(`[goal] ${n.params.goal.status}, ${n.params.goal.tokensUsed} tokens used`);
  if (n.method === "item/completed" && n.params.item.type === "agentMessage") console.log(`Codex: ${n.params.item.text}`);
  if (n.method === "turn/completed") console.log(`[logical turn ${n.params.turn.id === goal.id ? "same id" : "other id"}: ${n.params.turn.status}]`);
}
const result = await goal.run();
console.log(`final goal status: ${result.goal?.status}; runtime turns: ${result.turnIds.length}; tokens: ${result.usage?.total.totalTokens}`);
console.log(`final response: ${result.finalResponse}`);
