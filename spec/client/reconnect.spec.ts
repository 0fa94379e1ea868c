import assert from "node:assert/strict";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { type AddressInfo, createServer, connect, type Socket } from "node:net";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { ApprovalMode, AsyncCodex, InvalidRequestError, type AsyncCodexOptions, type Notification, Sandbox, startRuntimeServer, TransportClosedError } from "../../lib/index.js";
import { createOfflineEnvironment, type FakeModelOptions, type FakeReply, type RecordedRequest, userTexts } from "../../lib/testing/index.js";
import { within } from "../support/assertions.js";

/** A reconnect, a resume and the rest of a streamed turn: generous, for a loaded machine; only turns a hang into a failure. */
const RESUMED_MS = 20_000;

/**
 * A TCP relay between the client and a runtime server, which the test can cut (every connection
 * through it dies at once, as a network drop looks) and block (new connections are refused).
 */
class Relay {
  readonly #pairs = new Set<Socket>();
  readonly #server = createServer((client) => this.#accept(client));
  #blocked = false;
  readonly #target: { host: string; port: number };

  private constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  static async start(t: TestContext, targetUrl: string): Promise<Relay> {
    const { hostname, port } = new URL(targetUrl);
    const relay = new Relay({ host: hostname, port: Number(port) });
    relay.#server.listen(0, "127.0.0.1");
    await once(relay.#server, "listening");
    t.after(() => relay.close());
    return relay;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Cuts every connection; with `blockMs`, refuses new ones for that long. */
  cut(blockMs = 0): void {
    for (const socket of this.#pairs) socket.destroy();
    this.#pairs.clear();
    if (blockMs > 0) {
      this.#blocked = true;
      setTimeout(() => (this.#blocked = false), blockMs);
    }
  }

  /** Stops relaying for good. */
  close(): void {
    this.#blocked = true;
    this.cut();
    this.#server.close();
  }

  #accept(client: Socket): void {
    if (this.#blocked) {
      client.destroy();
      return;
    }
    const upstream = connect(this.#target);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.#pairs.add(from);
      from.on("error", () => to.destroy());
      from.on("close", () => to.destroy());
      from.pipe(to);
    }
  }
}

/** A runtime server on a fresh fake model, a relay in front of it, and a client through the relay. */
async function throughRelay(t: TestContext, model: FakeModelOptions, codex: AsyncCodexOptions & { reconnect?: boolean | { timeoutMs: number } } = {}) {
  const env = await createOfflineEnvironment({ model });
  const server = await startRuntimeServer({ codexHome: env.codexHome, cwd: env.workdir });
  const relay = await Relay.start(t, server.url);
  const { reconnect, ...options } = codex;
  const errors: Error[] = [];
  const client = new AsyncCodex({ onError: (error) => errors.push(error), ...options, remote: { url: relay.url, token: server.token, reconnect, pingIntervalMs: 1000 } });
  t.after(async () => {
    await client.close();
    await server.close();
    await env.close();
  });
  return { env, server, relay, codex: client, errors };
}

const SLOW_TEXT = Array.from({ length: 30 }, (_, index) => `word${index}`).join(" ");

test("with reconnect, a turn cut mid-stream still returns its whole final answer, and the thread continues", async (t) => {
  const { codex, relay } = await throughRelay(t, { replies: [{ type: "text", text: SLOW_TEXT, eventDelayMs: 40 }, { type: "text", text: "after the cut" }] }, { reconnect: true });
  const thread = await codex.threadStart();
  const turn = await thread.turn("stream slowly");
  const seen: Notification[] = [];
  const iterator = turn[Symbol.asyncIterator]();
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    seen.push(next.value);
    if (seen.filter((notification) => notification.method === "item/agentMessage/delta").length === 3) relay.cut();
  }
  const completed = seen.at(-1);
  assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "completed");
  const message = seen.findLast((notification) => notification.method === "item/completed" && notification.params.item.type === "agentMessage");
  assert.ok(message?.method === "item/completed" && message.params.item.type === "agentMessage");
  assert.equal(message.params.item.text, SLOW_TEXT, "the completed item carries the whole text");
  assert.equal((await thread.run("again")).finalResponse, "after the cut");
});

test("with reconnect, run() of a turn that finished while the connection was down returns the complete TurnResult", async (t) => {
  const { codex, relay, env } = await throughRelay(t, { replies: [{ type: "text", text: "short answer in the gap", eventDelayMs: 30 }] }, { reconnect: true });
  const thread = await codex.threadStart();
  const asked = env.model.nextResponseRequest();
  const turn = await thread.turn("finish while I am away");
  await asked;
  // Blocked for longer than the turn takes: it ends on the runtime while no connection is up.
  relay.cut(800);
  const result = await within(turn.run(), "the result after reconnecting", RESUMED_MS);
  assert.equal(result.status, "completed");
  assert.equal(result.finalResponse, "short answer in the gap");
  assert.deepEqual(result.items.map((item) => item.type), ["userMessage", "agentMessage"]);
});

test("with reconnect, an item the turn completed while the connection was down is in its TurnResult", async (t) => {
  const { codex, relay, env } = await throughRelay(t, {
    replies: [{ type: "toolCall", arguments: { cmd: "echo during-the-gap" } }, { type: "text", text: SLOW_TEXT, eventDelayMs: 40 }],
  }, { reconnect: true });
  const thread = await codex.threadStart();
  const asked = env.model.nextResponseRequest();
  const turn = await thread.turn("run a command, then talk");
  await asked;
  // The command runs and completes while no connection is up; the answer still streams after.
  const answering = env.model.nextResponseRequest();
  relay.cut(500);
  await answering;
  const result = await within(turn.run(), "the result after reconnecting", RESUMED_MS);
  assert.equal(result.status, "completed");
  assert.equal(result.finalResponse, SLOW_TEXT);
  const command = result.items.find((item) => item.type === "commandExecution");
  assert.ok(command?.type === "commandExecution" && /during-the-gap/.test(command.command), "the command completed in the gap is there");
  assert.equal(new Set(result.items.map((item) => item.id)).size, result.items.length, "no item twice");
});

test("with reconnect, a thread idle during a cut is resubscribed before its next turn, so that turn's events arrive", async (t) => {
  const { codex, relay } = await throughRelay(t, {}, { reconnect: true });
  const [idle, other, empty] = await Promise.all([codex.threadStart(), codex.threadStart(), codex.threadStart()]);
  assert.equal((await idle.run("before")).finalResponse, "echo: before");
  await other.run("before too");
  const events = codex.notifications()[Symbol.asyncIterator]();
  relay.cut(200);
  const connection: string[] = [];
  for (let next = await within(events.next(), "reconnect", RESUMED_MS); !next.done; next = await within(events.next(), "reconnect", RESUMED_MS)) {
    if (next.value.method.startsWith("sdk/connection/")) connection.push(next.value.method);
    if (next.value.method === "sdk/connection/resumed") {
      assert.deepEqual(next.value.params.resumedThreads, [], "no thread had an open turn");
      break;
    }
  }
  await events.return?.();
  assert.deepEqual(connection, ["sdk/connection/dropped", "sdk/connection/resumed"]);
  // The new connection is subscribed to neither thread: without a resume, a turn would run unseen.
  assert.equal((await within(idle.run("after the cut"), "a turn on the resubscribed thread", RESUMED_MS)).finalResponse, "echo: after the cut");
  assert.equal((await within(other.run("the other one"), "a turn on the other thread", RESUMED_MS)).finalResponse, "echo: the other one");
  // The runtime stores a thread only once it ran a turn: one that never did cannot be resumed.
  await assert.rejects(() => empty.run("never stored"), (error: unknown) => error instanceof InvalidRequestError && /no rollout found/.test(error.message));
});

test("without reconnect, a cut rejects every waiter with TransportClosedError within a second", async (t) => {
  const { codex, relay, env } = await throughRelay(t, { replies: [{ type: "hang" }, { type: "hang" }] });
  const [first, second] = await Promise.all([codex.threadStart(), codex.threadStart()]);
  const asked = env.model.nextResponseRequest();
  const running = (await first.turn("hang one")).run();
  await asked;
  const iterating = (async () => {
    for await (const _ of await second.turn("hang two"));
  })();
  const cutAt = performance.now();
  relay.cut();
  for (const waiter of [running, iterating]) {
    await assert.rejects(waiter, (error: unknown) => error instanceof TransportClosedError && /dropped/.test(error.message));
  }
  assert.ok(performance.now() - cutAt < 1000, "rejected within a second");
});

test("with reconnect, when the runtime stays unreachable past the budget every waiter rejects with TransportClosedError", async (t) => {
  const { codex, relay, env } = await throughRelay(t, { replies: [{ type: "hang" }] }, { reconnect: { timeoutMs: 600 } });
  const thread = await codex.threadStart();
  const asked = env.model.nextResponseRequest();
  const running = (await thread.turn("hang")).run();
  await asked;
  relay.close();
  await assert.rejects(running, (error: unknown) => error instanceof TransportClosedError && /reconnecting failed within 600 ms/.test(error.message));
  await assert.rejects(() => thread.read(), TransportClosedError);
});

test("close() while reconnecting returns at once and rejects the waiting turn", async (t) => {
  const { codex, relay, env } = await throughRelay(t, { replies: [{ type: "hang" }] }, { reconnect: true });
  const thread = await codex.threadStart();
  const asked = env.model.nextResponseRequest();
  const running = (await thread.turn("hang")).run();
  await asked;
  const events = codex.notifications()[Symbol.asyncIterator]();
  relay.close();
  assert.equal((await within(events.next(), "the drop")).value?.method, "sdk/connection/dropped");
  const closingAt = performance.now();
  await codex.close();
  assert.ok(performance.now() - closingAt < 1000, "close() did not wait for the reconnect budget");
  await assert.rejects(running, (error: unknown) => error instanceof TransportClosedError && /closed by the client/.test(error.message));
});

/** The fake model asks to run `touch <name>` for "make a <name>", then answers "done". */
function markerModel(request: RecordedRequest): FakeReply {
  const input = (request.body as { input: Array<{ type?: string }> }).input;
  if (input.at(-1)?.type === "function_call_output") return { type: "text", text: "done" };
  const name = /^make a (\S+)$/.exec(userTexts(request).at(-1) ?? "")?.[1] ?? "nothing";
  return { type: "toolCall", arguments: { cmd: `touch ${name}`, yield_time_ms: 30_000 } };
}

test("with reconnect, an approval pending when the connection is cut is asked once and answered once, and the command runs", async (t) => {
  let release: (decision: "accept") => void = () => {};
  const asked: string[] = [];
  const { codex, relay, env } = await throughRelay(t, { defaultReply: markerModel }, {
    reconnect: true,
    onApproval: (request) => {
      asked.push(request.type);
      return new Promise((resolve) => (release = resolve));
    },
  });
  const thread = await codex.threadStart({ approvalMode: ApprovalMode.untrusted, sandbox: Sandbox.workspaceWrite });
  const turn = await thread.turn("make a marker");
  const answers: Notification[] = [];
  const seen: Notification[] = [];
  for await (const notification of turn) {
    seen.push(notification);
    if (notification.method === "sdk/serverRequest") {
      relay.cut(300);
      // Decided while no connection is up: the answer can only reach the runtime after the resume.
      setTimeout(() => release("accept"), 100);
    }
    if (notification.method === "sdk/serverRequest/answered") answers.push(notification);
  }
  assert.deepEqual(asked, ["commandExecution"], "the handler was asked once");
  assert.equal(answers.length, 1, "one answer");
  assert.equal(existsSync(join(env.workdir, "marker")), true, "the command ran");
  const completed = seen.at(-1);
  assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "completed");
});
