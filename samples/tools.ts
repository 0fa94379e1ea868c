/**
 * Client-side tools: a TypeScript function the agent can call, here a lookup in a tiny in-memory
 * customer table. The valibot schema tells the model the arguments, and the SDK validates them
 * before `execute` runs: a bad call is answered with an explanation the model can act on.
 *
 *   npx tsx samples/tools.ts [--live]
 */
import * as v from "valibot";
import { tool } from "codex-app-sdk";
import { type FakeReply, functionCallOutputs, type RecordedRequest } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

const customers = new Map([
  ["ada@example.com", { name: "Ada Lovelace", plan: "pro", openTickets: 2 }],
  ["alan@example.com", { name: "Alan Turing", plan: "free", openTickets: 0 }],
]);

const findCustomer = tool({
  name: "find_customer",
  description: "Look up a customer of our shop by email address",
  parameters: v.object({ email: v.pipe(v.string(), v.email()) }),
  // Objects reach the model as JSON; the return value may also be a string, or a promise.
  execute: ({ email }) => customers.get(email.toLowerCase()) ?? `no customer with email ${email}`,
});

// Offline, the fake model calls the tool twice in one response (once with a bad address), then
// repeats what the tool answered.
const model = {
  defaultReply: (request: RecordedRequest): FakeReply => {
    const outputs = functionCallOutputs(request);
    if (outputs.length > 0) return { type: "text", text: `The tool answered: ${outputs.map(({ output }) => output).join(" / ")}` };
    return {
      type: "toolCalls",
      calls: [
        { name: "find_customer", arguments: { email: "ada@example.com" } },
        { name: "find_customer", arguments: { email: "ada at example.com" } },
      ],
    };
  },
};
await using sample = await openSampleCodex(model);

const thread = await sample.codex.threadStart({ cwd: sample.cwd, tools: [findCustomer] });
const turn = await thread.turn("Which plan is ada@example.com on, and how many open tickets does she have? Use find_customer.");
for await (const n of turn) {
  if (n.method !== "item/completed") continue;
  const { item } = n.params;
  if (item.type === "dynamicToolCall") console.log(`tool call: ${item.tool}(${JSON.stringify(item.arguments)}) → ${item.success ? "ok" : "failed"}`);
  if (item.type === "agentMessage") console.log(`Codex: ${item.text}`);
}
