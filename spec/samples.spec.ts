import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Runs a sample the way a user would (`npx tsx samples/<name>.ts`), offline on the fake model. */
async function runSample(name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", `samples/${name}.ts`], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

const EXPECTED: Record<string, RegExp[]> = {
  quickstart: [/^Hello! I am Codex, streaming this answer word by word\.$/m, /^status: completed$/m, /^final response: echo: Now say goodbye\.$/m, /^items: userMessage, agentMessage$/m, /^runtime version: 0\.169\.0$/m],
  streaming: [/^\[turn \S+ started\]$/m, /^\[delta\] "Streaming "$/m, /^\[agent message\] Streaming lets you show progress as it happens\.$/m, /^\[turn completed: completed\]$/m],
  "resume-thread": [/^first answer: Noted: your favourite fruit is the kumquat\.$/m, /^resumed thread has the same id$/m, /^second answer: You told me it is the kumquat\.$/m],
  "thread-lifecycle": [/^name: garden plan, turns: 1$/m, /^fork got a new id; forked from the original: true$/m, /^archived list has the thread: true$/m, /^active list has the thread again: true$/m],
  "steer-and-interrupt": [/^steered turn is the running turn$/m, /^slow turn ended: interrupted$/m],
};

for (const [name, patterns] of Object.entries(EXPECTED)) {
  test(`the ${name} sample runs offline and prints what it demonstrates`, async () => {
    const output = await runSample(name);
    for (const pattern of patterns) assert.match(output, pattern);
  });
}
