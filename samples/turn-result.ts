/**
 * TurnResult: everything a finished turn produced, collected by thread.run() from its notifications.
 * Read items from here, not from turn/completed: that notification's item list is only a summary.
 *
 *   npx tsx samples/turn-result.ts [--live]
 */
import { functionCallOutputs } from "codex-app-sdk/testing";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model runs one command, then answers with what it printed.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    const output = functionCallOutputs(request).at(-1)?.output;
    return output === undefined
      ? { type: "toolCall", arguments: { cmd: "echo 42", yield_time_ms: 30_000 }, usage: { inputTokens: 120, outputTokens: 20 } }
      : { type: "text", text: `The command printed ${/\b42\b/.test(output) ? "42" : "something else"}.`, usage: { inputTokens: 150, cachedInputTokens: 100, outputTokens: 8 } };
  },
});
const thread = await sample.codex.threadStart({ cwd: sample.cwd });
const result = await thread.run("Run `echo 42` and tell me what it printed.");

console.log(`id: ${result.id} (thread ${result.threadId === thread.id ? "matches" : "differs"})`);
console.log(`status: ${result.status}`); // "completed" | "interrupted"; a failed turn throws TurnFailedError
console.log(`error: ${result.error?.message ?? "none"}`);
// startedAt and completedAt are Unix seconds; durationMs is milliseconds. Each is null if the runtime did not say.
const iso = (seconds: number | null): string => (seconds === null ? "unknown" : new Date(seconds * 1000).toISOString());
console.log(`timing: started ${iso(result.startedAt)}, completed ${iso(result.completedAt)}, took ${result.durationMs ?? "?"} ms`);
console.log(`final response: ${result.finalResponse}`);

// items: every completed item, in order (user message, commands, file changes, agent messages, …).
for (const item of result.items) {
  if (item.type === "commandExecution") console.log(`item commandExecution: ${item.command} → exit ${item.exitCode}`);
  else console.log(`item ${item.type}`);
}

// usage: `last` is the most recent model call (a turn may make several), `total` the whole thread so far.
if (result.usage) {
  const { last, total } = result.usage;
  console.log(`tokens: last ${last.totalTokens} (input ${last.inputTokens}, cached ${last.cachedInputTokens}, output ${last.outputTokens}); thread total ${total.totalTokens}`);
}
console.log(`output: ${result.output}`); // undefined unless the turn had an outputSchema (see structured-output.ts)
