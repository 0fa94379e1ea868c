/**
 * Approvals with a human in the loop: under ApprovalMode.untrusted the runtime asks before running
 * any command not known to be safe, and your onApproval decides. Here commands on an allow-list
 * run at once, and a person answers y/n in the terminal for the rest; with no handler at all, the
 * SDK would decline. Nothing is ever approved by default.
 *
 * Decide on `request.script`, the command as the model wrote it: `request.command` is wrapped in
 * the shell that runs it ("/bin/bash -lc 'ls'"). `request.commandActions` is the runtime's reading
 * of it, good for telling the person what it does, never for approving it (it leaves parts out).
 *
 *   npx tsx samples/approvals.ts [--live]
 *   echo y | npx tsx samples/approvals.ts   # answer from a script
 */
import { createInterface } from "node:readline/promises";
import { type ApprovalDecision, ApprovalMode, type ApprovalRequest, Sandbox } from "codex-app-sdk";
import { functionCallOutputs, type RecordedRequest } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model asks to run two commands, then reports what the second one printed.
const model = {
  defaultReply: (request: RecordedRequest) => {
    const outputs = functionCallOutputs(request);
    if (outputs.length === 0) return { type: "toolCall", arguments: { cmd: "ls", yield_time_ms: 30_000 } } as const;
    if (outputs.length === 1) return { type: "toolCall", arguments: { cmd: "echo approved-command-ran", yield_time_ms: 30_000 } } as const;
    return { type: "text", text: /approved-command-ran/.test(outputs.at(-1)?.output ?? "") ? "The command ran." : "The command was declined." } as const;
  },
};
await using sample = await openSampleCodex(model);

/** Exact scripts that may run without asking: no other arguments, no pipes, no `&&`. */
const ALLOWED = new Set(["ls", "pwd", "git status"]);

const terminal = createInterface({ input: process.stdin, output: process.stdout });
const lines = terminal[Symbol.asyncIterator]();

/** What the runtime read the command as, in words: "lists files", "reads README.md", … */
function describeActions(request: Extract<ApprovalRequest, { type: "commandExecution" }>): string {
  const actions = (request.commandActions ?? []).map((action) =>
    action.type === "read" ? `reads ${action.name}` : action.type === "listFiles" ? "lists files" : action.type === "search" ? `searches for ${action.query ?? "…"}` : "runs a program",
  );
  return actions.join(", ") || "unknown";
}

/** Allow-listed commands run; for the rest the person decides: anything but "y" declines, and so does closing stdin. */
async function decide(request: ApprovalRequest): Promise<ApprovalDecision> {
  if (request.type !== "commandExecution") return "decline";
  if (request.script !== null && ALLOWED.has(request.script)) {
    console.log(`allow-listed, accepted: ${request.script}`);
    return "accept";
  }
  process.stdout.write(`Allow Codex to run \`${request.script}\` (${describeActions(request)})? [y/N] `);
  const answer = await lines.next();
  process.stdout.write("\n");
  return !answer.done && answer.value.trim().toLowerCase() === "y" ? "accept" : "decline";
}

const thread = await sample.codex.threadStart({ cwd: sample.cwd, approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
const turn = await thread.turn("List the files, then run `echo approved-command-ran` and tell me what happened.", { onApproval: decide });
for await (const n of turn) {
  if (n.method === "sdk/serverRequest/answered") console.log(`decision sent: ${JSON.stringify(n.params.response)} (${n.params.outcome})`);
  if (n.method === "item/completed" && n.params.item.type === "agentMessage") console.log(`Codex: ${n.params.item.text}`);
}
terminal.close();
