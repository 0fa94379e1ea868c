/**
 * An interactive chat in the terminal: one thread, one turn per line you type, the answer streamed
 * as it is written. `/exit` or end of input (Ctrl+D) quits; Ctrl+C stops the current answer.
 *
 *   npx tsx samples/chat.ts [--live]
 *   printf 'hello\n/exit\n' | npx tsx samples/chat.ts   # scripted
 */
import { createInterface } from "node:readline/promises";
import type { TurnHandle } from "codex-app-sdk";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model echoes each message back ("echo: …").
await using sample = await openSampleCodex();
// One thread for the whole chat: every turn sees the conversation so far.
const thread = await sample.codex.threadStart({ cwd: sample.cwd });

const terminal = createInterface({ input: process.stdin, output: process.stdout, prompt: "you> " });
let running: TurnHandle | undefined;
// Ctrl+C interrupts the answer being written (the turn ends "interrupted"); between turns, it quits.
terminal.on("SIGINT", () => (running ? void running.interrupt() : terminal.close()));

terminal.prompt();
// Ends at end of input, or when terminal.close() is called.
for await (const line of terminal) {
  const text = line.trim();
  if (text === "/exit") break;
  if (text !== "") {
    running = await thread.turn(text);
    process.stdout.write("codex> ");
    for await (const n of running) {
      if (n.method === "item/agentMessage/delta") process.stdout.write(n.params.delta);
      if (n.method === "turn/completed" && n.params.turn.status !== "completed") process.stdout.write(` [${n.params.turn.status}]`);
    }
    process.stdout.write("\n");
    running = undefined;
  }
  terminal.prompt();
}
terminal.close();
console.log("bye");
