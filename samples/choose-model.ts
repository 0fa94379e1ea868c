/**
 * Choosing a model and a reasoning effort from `codex.models()` instead of hard-coding names: the
 * catalog depends on the runtime version and your account. Pass `--model <id>` and `--effort <level>`
 * to choose; otherwise the sample takes the default model at "high" effort, if it offers that.
 *
 *   npx tsx samples/choose-model.ts [--live] [--model gpt-6-luna] [--effort medium]
 */
import { openSampleCodex } from "./support/sample-codex.js";

/** The value after `name` on the command line, if given. */
function arg(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

// Offline, the fake model answers with the model and effort the runtime asked it for.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    const body = request.body as { model: string; reasoning?: { effort?: string } };
    return { type: "text", text: `This answer came from ${body.model} at ${body.reasoning?.effort ?? "default"} effort.` };
  },
});
const { codex } = sample;

const { data: models } = await codex.models();
const wantedModel = arg("--model");
const model = models.find((entry) => (wantedModel === undefined ? entry.isDefault : entry.id === wantedModel));
if (!model) throw new Error(`no model ${wantedModel}; choose one of ${models.map((entry) => entry.id).join(", ")}`);
console.log(`model: ${model.id} (${model.displayName}): ${model.description}`);

// Each model lists the efforts it supports, from the lightest up, with a description of each.
const supported = model.supportedReasoningEfforts.map((option) => option.reasoningEffort);
const wanted = arg("--effort") ?? "high";
const effort = supported.includes(wanted) ? wanted : model.defaultReasoningEffort;
console.log(`efforts: ${supported.join(", ")}; chosen: ${effort}${effort === wanted ? "" : ` (${wanted} is not offered)`}`);

// A turn's model and effort stay with the thread for its later turns. Starting the thread with
// them (threadStart({ model })) works too; effort is a turn option only.
const thread = await codex.threadStart({ cwd: sample.cwd });
const result = await thread.run("Which model are you, in one sentence?", { model: model.id, effort });
console.log(`Codex: ${result.finalResponse}`);
