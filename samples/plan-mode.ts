/**
 * Plan mode: run a turn in the "plan" collaboration mode, where the model may ask the user
 * questions; answer them from an `item/tool/requestUserInput` handler (here: the first option).
 *
 *   npx tsx samples/plan-mode.ts [--live]
 */
import { AsyncCodex } from "codex-app-sdk";
import { live, openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model asks one question, then writes the plan.
const question = { id: "scope", header: "Scope", question: "Refactor only the parser, or the whole module?", options: [{ label: "Parser only (Recommended)", description: "smaller change" }, { label: "Whole module", description: "bigger change" }] };
await using sample = await openSampleCodex({ replies: [{ type: "toolCall", name: "request_user_input", arguments: { questions: [question] } }, { type: "text", text: "Plan: 1. split the parser 2. add tests." }] });

await using codex = new AsyncCodex({
  ...sample.options,
  onServerRequest: {
    "item/tool/requestUserInput": ({ questions }) => {
      const answers: Record<string, { answers: string[] }> = {};
      for (const asked of questions) {
        const choice = asked.options?.[0]?.label ?? "yes";
        console.log(`Codex asks: ${asked.question} → ${choice}`);
        answers[asked.id] = { answers: [choice] };
      }
      return { answers };
    },
  },
});

const { data: presets } = await codex.collaborationModes();
console.log(`modes: ${presets.map((preset) => preset.name).join(", ")}`);
const model = live ? (await codex.models()).data.find((entry) => entry.isDefault)?.model ?? "gpt-5.1-codex" : "mock-model";
const thread = await codex.threadStart({ cwd: sample.cwd });
const result = await thread.run("Plan a refactor of the parser.", {
  collaborationMode: { mode: "plan", settings: { model, reasoning_effort: null, developer_instructions: null } },
});
console.log(result.finalResponse);
