import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs a sample the way a user would (`npx tsx samples/<name>.ts`), offline, with `stdin` as its
 * input, and returns its stdout. It must exit with code 0 and write nothing to stderr.
 */
async function runSample(name: string, stdin = "", args: readonly string[] = []): Promise<string> {
  const running = promisify(execFile)(process.execPath, ["--import", "tsx", `samples/${name}.ts`, ...args], { cwd: ROOT, timeout: 60_000 });
  running.child.stdin?.end(stdin);
  const { stdout, stderr } = await running;
  assert.equal(stderr, "", `samples/${name}.ts wrote to stderr`);
  return stdout;
}

const EXPECTED: Record<string, RegExp[]> = {
  quickstart: [/^Hello! I am Codex, streaming this answer word by word\.$/m, /^status: completed$/m, /^final response: echo: Now say goodbye\.$/m, /^items: userMessage, agentMessage$/m, /^runtime version: 0\.169\.0$/m],
  streaming: [/^\[turn \S+ started\]$/m, /^\[delta\] "Streaming "$/m, /^\[agent message\] Streaming lets you show progress as it happens\.$/m, /^\[turn completed: completed\]$/m],
  "resume-thread": [/^first answer: Noted: your favourite fruit is the kumquat\.$/m, /^resumed thread has the same id$/m, /^second answer: You told me it is the kumquat\.$/m],
  "thread-lifecycle": [/^name: garden plan, turns: 1$/m, /^fork got a new id; forked from the original: true$/m, /^archived list has the thread: true$/m, /^active list has the thread again: true$/m],
  "steer-and-interrupt": [/^steered turn is the running turn$/m, /^slow turn ended: interrupted$/m],
  "login-and-account": [/^signed in: false; login required: true$/m, /^login started: open https:\/\/auth\.openai\.com\/… in a browser$/m, /^login finished: success=false/m],
  "turn-result": [
    /^id: \S+ \(thread matches\)$/m,
    /^status: completed$/m,
    /^error: none$/m,
    /^timing: started \d{4}-\d\d-\d\dT[\d:.]+Z, completed \d{4}-\d\d-\d\dT[\d:.]+Z, took \d+ ms$/m,
    /^final response: The command printed 42\.$/m,
    /^item userMessage\nitem commandExecution: .*echo 42.* → exit 0\nitem agentMessage$/m,
    // Two model calls: `last` is the second one (150 + 8), `total` adds the first (120 + 20).
    /^tokens: last 158 \(input 150, cached 100, output 8\); thread total 298$/m,
    /^output: undefined$/m,
  ],
  "image-and-text": [/^Codex: I got 1 image\(s\) \(the PNG you sent\) and the text "What colour is this pixel\? Answer in one word\."\.$/m, /^sent: text \+ image$/m],
  "local-image": [/^Codex: I received data:image\/png;base64, … holding the file's exact bytes\.$/m, /^missing file rejected: input\[0\]\.path$/m],
  "errors-and-retries": [
    /^InvalidArgumentError: input$/m,
    /^ThreadNotFoundError \(-32600\), retryable: false$/m,
    /^turn failed \("modelNotFound"\): status failed$/m,
    /^TurnTimeoutError after 1500 ms of silence$/m,
    /^attempt 1: ServerBusyError, retrying\nattempt 2: ServerBusyError, retrying\nmodel\/list succeeded on attempt 3 with \d+ models$/m,
    /^not retried: ThreadNotFoundError after 1 attempt\(s\)$/m,
  ],
  "structured-output": [
    /^\(fake model\) asked for codex_output_schema with required fields name, country, population, landmarks, nickname$/m,
    /^Paris, France: 2,102,650 people$/m,
    /^landmarks: Eiffel Tower, Louvre; nickname: City of Light$/m,
    /^rejected before sending: options\.outputSchema\.nickname: optional schemas are not supported/m,
  ],
  tools: [
    /^tool call: find_customer\(\{"email":"ada@example\.com"\}\) → ok$/m,
    /^tool call: find_customer\(\{"email":"ada at example\.com"\}\) → failed$/m,
    /^Codex: The tool answered: \{"name":"Ada Lovelace","plan":"pro","openTickets":2\} \/ Tool find_customer was not run: its arguments do not match its parameters \(email: Invalid email: Received "ada at example\.com"\)\./m,
  ],
  goal: [
    /^goal started as turn \S+$/m,
    /^Codex: Step one: listed the files\.$/m,
    /^\[goal\] complete, \d+ tokens used$/m,
    /^Codex: Done: the folder is empty, nothing to tidy\.$/m,
    /^\[logical turn same id: completed\]$/m,
    /^final goal status: complete; runtime turns: 2; tokens: 39$/m,
  ],
  "history-paging": [
    /^turns, newest first: 5 \(completed, completed, completed, completed, completed\)$/m,
    /^first answer: echo: What is 1 \+ 1\?$/m,
    /^stored thread is ours, preview: What is 1 \+ 1\?$/m,
    /^stored threads: 1$/m,
  ],
  review: [/^review completed:\nadd\(\) is broken\.\n\nReview comment:\n\n- \[P1\] add\(\) subtracts — calc\.py:2-2\n {2}add returns a - b instead of a \+ b$/m, /^second review ended: interrupted$/m],
  "plan-mode": [/^modes: Plan, Default$/m, /^Codex asks: Refactor only the parser, or the whole module\? → Parser only \(Recommended\)$/m, /^Plan: 1\. split the parser 2\. add tests\.$/m],
  "remote-runtime": [
    /^server listens on ws:\/\/127\.0\.0\.1:<port>, token set$/m,
    /^client 1: echo: Remember the word kumquat\.$/m,
    /^client 2, same thread: echo: Which word\?$/m,
    /^wrong token: AuthenticationError \(HTTP 401: invalid websocket bearer token\)$/m,
  ],
  pool: [
    /^member-1: 2 threads, 2 turns done\nmember-2: 2 threads, 2 turns done$/m,
    /^after the drain: member-2 holds 4$/m,
    /^a moved thread still answers: echo: Which number did I ask you to remember\?$/m,
  ],
  "kitchen-sink": [
    /^\(fake model\) model gpt-\S+, effort low, summary concise, service tier standard, format json_schema$/m,
    /^status: completed$/m,
    /^answer: Nothing to list: the folder is empty\. \(confidence high\)$/m,
  ],
};

for (const [name, patterns] of Object.entries(EXPECTED)) {
  test(`the ${name} sample runs offline and prints what it demonstrates`, async () => {
    const output = await runSample(name);
    for (const pattern of patterns) assert.match(output, pattern);
  });
}

test("the approvals sample accepts an allow-listed script at once, and asks about the rest by its unwrapped script", async () => {
  const output = await runSample("approvals", "y\n");
  // Decided on the script, not on the shell-wrapped command ("/bin/bash -lc 'ls'").
  assert.match(output, /^allow-listed, accepted: ls\ndecision sent: \{"decision":"accept"\} \(handled\)$/m);
  assert.match(output, /^Allow Codex to run `echo approved-command-ran` \(runs a program\)\? \[y\/N\] $/m);
  assert.doesNotMatch(output, /bash -lc/);
  assert.equal(output.match(/"decision":"accept"/g)?.length, 2);
  assert.match(output, /^Codex: The command ran\.$/m);
});

test("the approvals sample declines when the person answers n or stdin closes", async () => {
  for (const stdin of ["n\n", ""]) {
    const output = await runSample("approvals", stdin);
    assert.match(output, /^allow-listed, accepted: ls$/m);
    assert.match(output, /^decision sent: \{"decision":"decline"\} \(handled\)$/m);
    assert.match(output, /^Codex: The command was declined\.$/m);
  }
});

test("the models-and-metadata sample prints the runtime, the catalog and the account", async () => {
  const output = await runSample("models-and-metadata");
  assert.match(output, /^running before start\(\): false$/m);
  assert.match(output, /^runtime: \S+ 0\.169\.0 on (linux|macos|windows), pid \d+$/m);
  assert.match(output, /^CODEX_HOME: \S+$/m);
  const listed = Number(/^(\d+) models:$/m.exec(output)?.[1]);
  const models = output.match(/^- \S+( \(default\))?: .+; effort [a-z/]+, default [a-z]+; input [a-z+]+$/gm) ?? [];
  assert.ok(listed > 0 && models.length === listed, "one line per model");
  assert.equal(models.filter((line) => line.includes("(default)")).length, 1, "exactly one default model");
  assert.ok(Number(/^with hidden models: (\d+)$/m.exec(output)?.[1]) >= listed);
  assert.match(output, /^account: none; login required: false$/m);
});

test("the choose-model sample runs the turn on the model and effort it chose", async () => {
  const output = await runSample("choose-model");
  const chosen = /^model: (\S+) \(.+\): .+$/m.exec(output)?.[1];
  assert.ok(chosen, "prints the chosen model");
  assert.match(output, /^efforts: low, medium, high\b.*; chosen: high$/m);
  assert.match(output, new RegExp(`^Codex: This answer came from ${chosen.replaceAll(".", "\\.")} at high effort\\.$`, "m"));

  const fallback = await runSample("choose-model", "", ["--effort", "extreme"]);
  const effort = /^efforts: .+; chosen: (\w+) \(extreme is not offered\)$/m.exec(fallback)?.[1];
  assert.ok(effort, "falls back to the model's default effort");
  assert.match(fallback, new RegExp(`^Codex: This answer came from \\S+ at ${effort} effort\\.$`, "m"));
});

test("the chat sample answers each line on one thread and quits on /exit", async () => {
  const output = await runSample("chat", "hello\n\nwhat did I say?\n/exit\nnever sent\n");
  assert.match(output, /codex> echo: hello$/m);
  assert.match(output, /codex> echo: what did I say\?$/m);
  assert.match(output, /bye\n$/);
  assert.doesNotMatch(output, /never sent/);
  assert.equal(output.match(/codex> /g)?.length, 2, "one answer per non-empty line");
});

test("the chat sample exits cleanly at end of input", async () => {
  const output = await runSample("chat", "last line without a newline");
  assert.match(output, /codex> echo: last line without a newline$/m);
  assert.match(output, /bye\n$/);
  assert.equal(await runSample("chat", "").then((empty) => /bye\n$/.test(empty)), true);
});

test("the serverless-sse sample streams a turn as SSE, and interrupts it when the client leaves", async () => {
  const output = await runSample("serverless-sse");
  const events = output.match(/^client got: .*$/gm) ?? [];
  assert.match(events[0] ?? "", /^client got: event: turn \| data: \{"threadId":"[^"]+","turnId":"[^"]+"\}$/);
  assert.equal(events.at(-1), 'client got: event: done | data: {"status":"completed"}');
  const deltas = events.slice(1, -1).map((event) => JSON.parse(event.replace(/^client got: data: /, "")) as string);
  assert.equal(deltas.join(""), "Events arrive as the model writes.");
  assert.ok(deltas.length > 1, "one event per delta");
  assert.match(output, /^client 2 got: event: turn \| data: \{"threadId":"[^"]+","turnId":"[^"]+"\}, and leaves$/m);
  assert.match(output, /^server: the client disconnected, so the turn was interrupted$/m);
});

test("npm run demo -- --live without a login exits within seconds, saying how to sign in", async () => {
  // A CODEX_HOME with no login, and with the startup features that would reach the network off.
  const codexHome = await mkdtemp(join(tmpdir(), "codex-app-sdk-live-"));
  try {
    await writeFile(join(codexHome, "config.toml"), 'check_for_update_on_startup = false\n[features]\nplugins = false\napps = false\nremote_plugin = false\n[analytics]\nenabled = false\n');
    const started = performance.now();
    const failure = await promisify(execFile)(process.execPath, ["--import", "tsx", "samples/quickstart.ts", "--live"], {
      cwd: ROOT,
      timeout: 30_000,
      env: { ...process.env, CODEX_HOME: codexHome, OPENAI_API_KEY: "" },
    }).then(
      () => assert.fail("the demo succeeded without a login"),
      (error: { code?: number; stdout: string; stderr: string }) => error,
    );
    const elapsedMs = performance.now() - started;
    assert.equal(failure.code, 2);
    assert.equal(failure.stdout, "");
    assert.match(failure.stderr, /^--live: no Codex login in CODEX_HOME \(.+\)\.\nSign in with `npx codex login`/);
    assert.ok(elapsedMs < 15_000, `took ${elapsedMs} ms`);
  } finally {
    await rm(codexHome, { recursive: true, force: true });
  }
});
