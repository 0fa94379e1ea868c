/**
 * Turn options, all of them. Each one applies to this turn, and all but outputSchema, signal and
 * onApproval also to the thread's later turns; leave one out to keep the thread's setting.
 *
 *   npx tsx samples/kitchen-sink.ts [--live]
 */
import * as v from "valibot";
import { ApprovalMode, Sandbox } from "codex-app-sdk";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model prints the settings that reached it, then answers in the requested shape.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    const body = request.body as { model: string; reasoning?: { effort?: string; summary?: string }; service_tier?: string; text?: { format?: { type: string } } };
    console.log(`(fake model) model ${body.model}, effort ${body.reasoning?.effort}, summary ${body.reasoning?.summary}, service tier ${body.service_tier ?? "standard"}, format ${body.text?.format?.type}`);
    return { type: "text", text: JSON.stringify({ answer: "Nothing to list: the folder is empty.", confidence: "high" }) };
  },
});
const { codex } = sample;

// Pick the model from the runtime's catalog, so the name is one your account can use.
const { data: models } = await codex.models();
const model = models.find((entry) => entry.isDefault) ?? models[0];
const thread = await codex.threadStart({ cwd: sample.cwd });

const result = await thread.run("List the files in the working directory.", {
  model: model?.id, // a model id from codex.models()
  effort: "low", // one of the model's supportedReasoningEfforts
  summary: "concise", // reasoning summary: "auto" | "concise" | "detailed" | "none"
  cwd: sample.cwd, // working directory of the turn's commands
  sandbox: Sandbox.readOnly, // readOnly | workspaceWrite | fullAccess
  approvalMode: ApprovalMode.askUser, // denyAll | autoReview | askUser | untrusted
  // With askUser, this decides when the model asks for more access (here: never granted).
  onApproval: (request) => {
    console.log(`approval requested: ${request.type}; declined`);
    return "decline";
  },
  // The final response must match this; result.output is typed from it.
  outputSchema: v.object({ answer: v.string(), confidence: v.picklist(["low", "medium", "high"]) }),
  personality: "none", // "friendly" and "pragmatic" are deprecated by the runtime
  serviceTier: "default", // standard speed; "fast" or "flex" where the model offers them
  signal: AbortSignal.timeout(5 * 60_000), // aborting interrupts the turn
});

console.log(`status: ${result.status}`);
console.log(`answer: ${result.output.answer} (confidence ${result.output.confidence})`);
