import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Runs a sample the way a user would (`npx tsx samples/<name>.ts`), offline, with `stdin` as its input. */
async function runSample(name: string, stdin = ""): Promise<string> {
  const running = promisify(execFile)(process.execPath, ["--import", "tsx", `samples/${name}.ts`], { cwd: ROOT, timeout: 60_000 });
  running.child.stdin?.end(stdin);
  return (await running).stdout;
}

const EXPECTED: Record<string, RegExp[]> = {
  quickstart: [/^Hello! I am Codex, streaming this answer word by word\.$/m, /^status: completed$/m, /^final response: echo: Now say goodbye\.$/m, /^items: userMessage, agentMessage$/m, /^runtime version: 0\.169\.0$/m],
  streaming: [/^\[turn \S+ started\]$/m, /^\[delta\] "Streaming "$/m, /^\[agent message\] Streaming lets you show progress as it happens\.$/m, /^\[turn completed: completed\]$/m],
  "resume-thread": [/^first answer: Noted: your favourite fruit is the kumquat\.$/m, /^resumed thread has the same id$/m, /^second answer: You told me it is the kumquat\.$/m],
  "thread-lifecycle": [/^name: garden plan, turns: 1$/m, /^fork got a new id; forked from the original: true$/m, /^archived list has the thread: true$/m, /^active list has the thread again: true$/m],
  "steer-and-interrupt": [/^steered turn is the running turn$/m, /^slow turn ended: interrupted$/m],
  "login-and-account": [/^signed in: false; login required: true$/m, /^login started: open https:\/\/auth\.openai\.com\/… in a browser$/m, /^login finished: success=false/m],
};

for (const [name, patterns] of Object.entries(EXPECTED)) {
  test(`the ${name} sample runs offline and prints what it demonstrates`, async () => {
    const output = await runSample(name);
    for (const pattern of patterns) assert.match(output, pattern);
  });
}

test("the approvals sample runs the command when the person answers y", async () => {
  const output = await runSample("approvals", "y\n");
  assert.match(output, /Allow Codex to run `.*echo approved-command-ran.*`\? \[y\/N\]/);
  assert.match(output, /^decision sent: \{"decision":"accept"\} \(handled\)$/m);
  assert.match(output, /^Codex: The command ran\.$/m);
});

test("the approvals sample declines when the person answers n or stdin closes", async () => {
  for (const stdin of ["n\n", ""]) {
    const output = await runSample("approvals", stdin);
    assert.match(output, /^decision sent: \{"decision":"decline"\} \(handled\)$/m);
    assert.match(output, /^Codex: The command was declined\.$/m);
  }
});
