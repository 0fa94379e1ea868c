import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { type ApprovalRequest, ApprovalMode, type AsyncCodexOptions, type Notification, Sandbox } from "../../lib/index.js";
import { type FakeReply, functionCallOutputs, type RecordedRequest, userTexts } from "../../lib/testing/index.js";
import { offlineCodex } from "../support/offline-codex.js";

/**
 * For a prompt "make a <name>", the fake model asks to run `touch <name>`, then answers "done";
 * other prompts are echoed.
 */
function markerModel(extraArguments: Record<string, unknown> = {}): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const prompt = userTexts(request).at(-1) ?? "";
    const input = (request.body as { input: Array<{ type?: string }> }).input;
    if (input.at(-1)?.type === "function_call_output") return { type: "text", text: "done" };
    const name = /^make a (\S+)$/.exec(prompt)?.[1];
    if (name) return { type: "toolCall", arguments: { cmd: `touch ${name}`, yield_time_ms: 30_000, ...extraArguments } };
    return { type: "text", text: `echo: ${prompt}` };
  };
}

async function setUp(t: TestContext, codex: AsyncCodexOptions = {}, extraArguments?: Record<string, unknown>) {
  const context = await offlineCodex(t, { environment: { model: { defaultReply: markerModel(extraArguments) } }, codex });
  const marker = join(context.env.workdir, "marker");
  return { ...context, marker };
}

test("with no handler an approval request is declined: the command does not run and the turn completes", async (t) => {
  const { codex, env, marker } = await setUp(t);
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const turn = await thread.turn("make a marker");
  const events: Notification[] = [];
  for await (const notification of turn) events.push(notification);
  assert.equal(existsSync(marker), false);
  const completed = events.at(-1);
  assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "completed");
  const [output] = functionCallOutputs(env.model.responseRequests.at(-1)!);
  assert.match(output?.output ?? "", /rejected/i);

  // The request and its answer are visible in the turn's stream, after the command's item/started.
  const methods = events.map((notification) => notification.method);
  const commandStarted = events.findIndex((n) => n.method === "item/started" && n.params.item.type === "commandExecution");
  assert.ok(commandStarted >= 0 && commandStarted < methods.indexOf("sdk/serverRequest"));
  const asked = events.find((n) => n.method === "sdk/serverRequest");
  assert.ok(asked?.method === "sdk/serverRequest" && asked.params.request.method === "item/commandExecution/requestApproval");
  const answered = events.find((n) => n.method === "sdk/serverRequest/answered");
  assert.ok(answered?.method === "sdk/serverRequest/answered");
  assert.equal(answered.params.outcome, "noHandler");
  assert.deepEqual(answered.params.response, { decision: "decline" });
});

test("onApproval returning accept runs the command", async (t) => {
  const asked: ApprovalRequest[] = [];
  const { codex, marker } = await setUp(t, {
    onApproval: (request) => {
      asked.push(request);
      return "accept";
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const result = await thread.run("make a marker");
  assert.equal(result.status, "completed");
  assert.equal(existsSync(marker), true);
  assert.equal(asked.length, 1);
  const [request] = asked;
  assert.ok(request?.type === "commandExecution");
  assert.match(request.command ?? "", /touch marker/);
  assert.equal(request.threadId, thread.id);
  assert.equal(request.turnId, result.id);
});

test("a command approval carries the shell-wrapped command, the unwrapped script and the runtime's parsed actions", async (t) => {
  const asked: ApprovalRequest[] = [];
  const script = "ls -la && cat notes.txt | head -5";
  const { codex } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "toolCall", arguments: { cmd: script, yield_time_ms: 30_000 } }, { type: "text", text: "done" }] } },
    codex: {
      onApproval: (request) => {
        asked.push(request);
        return "decline";
      },
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  await thread.run("look around");
  const [request] = asked;
  assert.ok(request?.type === "commandExecution");
  assert.equal(request.command, `/bin/bash -lc '${script}'`, "the runtime wraps the command in a login shell");
  assert.equal(request.script, script);
  // The runtime's reading leaves out `| head -5`: a description, not something to approve on.
  assert.deepEqual(
    request.commandActions?.map((action) => [action.type, action.command]),
    [
      ["listFiles", "ls -la"],
      ["read", "cat notes.txt"],
    ],
  );
});

test("onApproval returning cancel ends the turn interrupted", async (t) => {
  const { codex, marker } = await setUp(t, { onApproval: () => "cancel" });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const result = await thread.run("make a marker");
  assert.equal(result.status, "interrupted");
  assert.equal(existsSync(marker), false);
});

test("a throwing handler declines and the failure is reported, not swallowed", async (t) => {
  const { codex, marker, errors } = await setUp(t, {
    onApproval: () => {
      throw new Error("handler bug");
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const turn = await thread.turn("make a marker");
  let outcome: string | undefined;
  for await (const n of turn) if (n.method === "sdk/serverRequest/answered") outcome = `${n.params.outcome}: ${n.params.error}`;
  assert.match(outcome ?? "", /^failed: .*handler bug/);
  assert.equal(existsSync(marker), false);
  assert.ok(errors.some((error) => (error.cause as Error | undefined)?.message === "handler bug"));
});

test("a handler slower than serverRequestTimeoutMs declines, and its signal aborts", async (t) => {
  let handlerSignal: AbortSignal | undefined;
  const { codex, marker } = await setUp(t, {
    serverRequestTimeoutMs: 300,
    onApproval: (_request, { signal }) => {
      handlerSignal = signal;
      return new Promise(() => {});
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const turn = await thread.turn("make a marker");
  let outcome: string | undefined;
  for await (const n of turn) if (n.method === "sdk/serverRequest/answered") outcome = n.params.outcome;
  assert.equal(outcome, "timedOut");
  assert.equal(existsSync(marker), false);
  assert.equal(handlerSignal?.aborted, true);
});

test("while one turn's handler waits for a human, another thread's turn streams to completion", async (t) => {
  let release: (decision: "accept") => void = () => {};
  let asked: () => void = () => {};
  const handlerCalled = new Promise<void>((resolve) => (asked = resolve));
  const { codex, marker } = await setUp(t, {
    onApproval: () => {
      asked();
      return new Promise((resolve) => (release = resolve));
    },
  });
  const waiting = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const other = await codex.threadStart();
  const waitingTurn = await waiting.turn("make a marker");
  const waitingResult = waitingTurn.run();
  await handlerCalled;
  const otherResult = await other.run("hello there");
  assert.equal(otherResult.finalResponse, "echo: hello there");
  assert.equal(existsSync(marker), false, "the first turn is still waiting for its decision");
  release("accept");
  assert.equal((await waitingResult).status, "completed");
  assert.equal(existsSync(marker), true);
});

test("a turn's own onApproval overrides the client-wide handler for that turn only", async (t) => {
  const calls: string[] = [];
  const { codex, marker } = await setUp(t, {
    onApproval: () => {
      calls.push("client");
      return "decline";
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  await thread.run("make a marker", {
    onApproval: () => {
      calls.push("turn");
      return "accept";
    },
  });
  assert.equal(existsSync(marker), true);
  await thread.run("make a second");
  assert.equal(existsSync(join(marker, "..", "second")), false);
  assert.deepEqual(calls, ["turn", "client"]);
});

test("under askUser the client is asked when the model requests escalated permissions", async (t) => {
  const asked: ApprovalRequest[] = [];
  const { codex, marker } = await setUp(
    t,
    {
      onApproval: (request) => {
        asked.push(request);
        return "accept";
      },
    },
    { sandbox_permissions: "require_escalated", justification: "needs to write a marker" },
  );
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.askUser, sandbox: Sandbox.readOnly });
  const result = await thread.run("make a marker");
  assert.equal(result.status, "completed");
  assert.equal(asked.length, 1);
  assert.equal(asked[0]?.type, "commandExecution");
  assert.equal(existsSync(marker), true);
});

test("a waiting handler's signal aborts when the turn is interrupted, and the request is refused as cancelled", async (t) => {
  let asked: () => void = () => {};
  const handlerCalled = new Promise<void>((resolve) => (asked = resolve));
  let handlerSignal: AbortSignal | undefined;
  const { codex, marker } = await setUp(t, {
    onApproval: (_request, { signal }) => {
      handlerSignal = signal;
      asked();
      // A human who never answers: only the signal ends this wait.
      return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const turn = await thread.turn("make a marker");
  const events: Notification[] = [];
  const consumed = (async () => {
    for await (const n of turn) events.push(n);
  })();
  await handlerCalled;
  await turn.interrupt();
  await consumed;
  assert.equal(handlerSignal?.aborted, true);
  const answered = events.find((n) => n.method === "sdk/serverRequest/answered");
  assert.ok(answered?.method === "sdk/serverRequest/answered");
  assert.equal(answered.params.outcome, "cancelled");
  const completed = events.at(-1);
  assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "interrupted");
  assert.equal(existsSync(marker), false);
});
