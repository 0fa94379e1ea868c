/**
 * Approvals with a human in the loop: under ApprovalMode.untrusted the runtime asks before running
 * any command not known to be safe, and your onApproval decides. Here a person answers y/n in the
 * terminal; with no handler at all, the SDK would decline. Nothing is ever approved by default.
 *
 *   npx tsx samples/approvals.ts [--live]
 *   echo y | npx tsx samples/approvals.ts   # answer from a script
 */
import { createInterface } from "node:readline/promises";
import { ApprovalMode, type ApprovalRequest, Sandbox } from "codex-app-sdk";
import { functionCallOutputs, type RecordedRequest } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model asks to run one command, then reports what it got back.
const model = {
  defaultReply: (request: RecordedRequest) => {
    const output = functionCallOutputs(request).at(-1)?.output;
    return output === undefined
      ? ({ type: "toolCall", arguments: { cmd: "echo approved-command-ran", yield_time_ms: 30_000 } } as const)
      : ({ type: "text", text: /approved-command-ran/.test(output) ? "The command ran." : "The command was declined." } as const);
  },
};
await using sample = await openSampleCodex(model);

const terminal = createInterface({ input: process.stdin, output: process.stdout });
const lines = terminal[Symbol.asyncIterator]();

/** Asks the person at the terminal; anything but "y" declines, and so does closing stdin. */
async function askHuman(request: ApprovalRequest): Promise<"accept" | "decline"> {
  const what = request.type === "commandExecution" ? `run \`${request.command}\`` : `a ${request.type} change`;
  process.stdout.write(`Allow Codex to ${what}? [y/N] `);
  const answer = await lines.next();
  process.stdout.write("\n");
  return !answer.done && answer.value.trim().toLowerCase() === "y" ? "accept" : "decline";
}

const thread = await sample.codex.threadStart({ cwd: sample.cwd, approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
const turn = await thread.turn("Run `echo approved-command-ran` and tell me what happened.", { onApproval: askHuman });
for await (const n of turn) {
  if (n.method === "sdk/serverRequest/answered") console.log(`decision sent: ${JSON.stringify(n.params.response)} (${n.params.outcome})`);
  if (n.method === "item/completed" && n.params.item.type === "agentMessage") console.log(`Codex: ${n.params.item.text}`);
}
terminal.close();
