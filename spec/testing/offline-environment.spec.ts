import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  FakeModel,
  createOfflineEnvironment,
  functionCallOutputs,
  offlineConfigToml,
  userTexts,
} from "../../lib/testing/index.js";
import type { OfflineEnvironment } from "../../lib/testing/index.js";

const CODEX_BINARY = fileURLToPath(
  new URL("../../node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex", import.meta.url),
);
const WAIT_MS = 20_000;

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: unknown;
}

/** Rejects instead of hanging when the runtime never answers. */
function withinWait<T>(promise: Promise<T>, what: string): Promise<T> {
  const timeout = AbortSignal.timeout(WAIT_MS);
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => timeout.addEventListener("abort", () => reject(new Error(`no ${what} in ${WAIT_MS} ms`)))),
  ]);
}

/**
 * Just enough of a JSON-RPC client to drive `codex app-server` over stdio, so these tests check
 * the testing helpers against the real runtime without depending on the SDK they exist to test.
 */
function startAppServer(env: OfflineEnvironment) {
  const child = spawn(CODEX_BINARY, ["app-server"], {
    cwd: env.workdir,
    env: { ...process.env, CODEX_HOME: env.codexHome },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = once(child, "exit");
  // The runtime logs expected warnings there; draining keeps a full pipe from blocking it.
  child.stderr.resume();
  const replies = new Map<number, (message: Message) => void>();
  const notifications: Message[] = [];
  const onNotification = new Set<(message: Message) => void>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const message = JSON.parse(line) as Message;
    if (message.method === undefined && message.id !== undefined) replies.get(message.id)?.(message);
    else if (message.id === undefined) {
      notifications.push(message);
      for (const listener of onNotification) listener(message);
    }
  });
  const send = (message: Message) => child.stdin.write(`${JSON.stringify(message)}\n`);
  let nextId = 1;

  return {
    async request(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
      const id = nextId++;
      const reply = new Promise<Message>((resolve) => replies.set(id, resolve));
      send({ id, method, params });
      const { result, error } = await withinWait(reply, `reply to ${method}`);
      assert.equal(error, undefined, `${method} failed: ${JSON.stringify(error)}`);
      assert.ok(result);
      return result;
    },
    notify(method: string): void {
      send({ method });
    },
    /** The notifications that arrive from now on, up to and including the first `method` one. */
    notificationsUntil(method: string): Promise<Message[]> {
      const from = notifications.length;
      return withinWait(
        new Promise<Message[]>((resolve) => {
          const listener = (message: Message) => {
            if (message.method !== method) return;
            onNotification.delete(listener);
            resolve(notifications.slice(from));
          };
          onNotification.add(listener);
        }),
        `${method} notification`,
      );
    },
    async stop(): Promise<void> {
      child.kill();
      await withinWait(exited, "exit after kill");
      assert.ok(child.exitCode !== null || child.signalCode !== null);
    },
  };
}

type AppServer = ReturnType<typeof startAppServer>;

/** Starts the runtime, hands a started thread to `body`, and always stops the runtime afterwards. */
async function withThread(
  env: OfflineEnvironment,
  threadParams: Record<string, unknown>,
  body: (server: AppServer, threadId: string) => Promise<void>,
): Promise<void> {
  const server = startAppServer(env);
  try {
    await server.request("initialize", {
      clientInfo: { name: "codex_app_sdk_spec", title: "codex-app-sdk spec", version: "0.0.0" },
      capabilities: { experimentalApi: true },
    });
    server.notify("initialized");
    const { thread } = await server.request("thread/start", { cwd: env.workdir, ...threadParams });
    const { id } = thread as { id: string };
    await body(server, id);
  } finally {
    await server.stop();
  }
}

async function runTurn(server: AppServer, threadId: string, text: string): Promise<Message[]> {
  const notifications = server.notificationsUntil("turn/completed");
  await server.request("turn/start", { threadId, input: [{ type: "text", text }] });
  return notifications;
}

function completedTurn(notifications: Message[]): { status: string; error: unknown } {
  const completed = notifications.at(-1);
  assert.equal(completed?.method, "turn/completed");
  return completed.params?.turn as { status: string; error: unknown };
}

function agentMessageDeltas(notifications: Message[]): string {
  return notifications
    .filter(({ method }) => method === "item/agentMessage/delta")
    .map(({ params }) => params?.delta)
    .join("");
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe("createOfflineEnvironment", () => {
  it("writes the offline config for its model into a fresh CODEX_HOME next to an empty workdir.", async () => {
    await using env = await createOfflineEnvironment({ requiresOpenaiAuth: true });

    const config = await readFile(join(env.codexHome, "config.toml"), "utf8");

    assert.equal(config, offlineConfigToml(env.model.baseUrl, { requiresOpenaiAuth: true }));
    assert.match(config, new RegExp(`^base_url = "http://127\\.0\\.0\\.1:${env.model.port}/v1"$`, "m"));
    assert.match(config, /^requires_openai_auth = true$/m);
    assert.doesNotMatch(offlineConfigToml(env.model.baseUrl), /requires_openai_auth/);
    assert.deepEqual(env.options, { codexHome: env.codexHome, cwd: env.workdir });
    assert.ok(await exists(env.workdir));
  });

  it("sets the goals feature only when asked, on or off.", async () => {
    await using on = await createOfflineEnvironment({ goals: true });
    assert.match(await readFile(join(on.codexHome, "config.toml"), "utf8"), /^\[features\]\ngoals = true$/m);
    assert.match(offlineConfigToml(on.model.baseUrl, { goals: false }), /^goals = false$/m);
    assert.doesNotMatch(offlineConfigToml(on.model.baseUrl), /goals/);
  });

  it("closes the model it started and removes its directories, once, however often it is closed.", async () => {
    const env = await createOfflineEnvironment();

    await env.close();
    await env.close();

    assert.equal(await exists(env.codexHome), false);
    assert.equal(await exists(env.workdir), false);
    await assert.rejects(fetch(`${env.model.baseUrl}/models`));
  });

  it("leaves open a model it was given.", async () => {
    await using model = await FakeModel.start();

    const env = await createOfflineEnvironment({ model });
    await env.close();

    assert.equal(env.model, model);
    assert.equal((await fetch(`${model.baseUrl}/models`)).status, 200);
  });

  it("lets the real runtime run a turn against the fake model.", async () => {
    const text = "hi there, from the fake model";
    await using env = await createOfflineEnvironment({ model: { replies: [{ type: "text", text }] } });

    await withThread(env, {}, async (server, threadId) => {
      const notifications = await runTurn(server, threadId, "say hi");

      assert.equal(completedTurn(notifications).status, "completed");
      assert.equal(agentMessageDeltas(notifications), text);
    });
    const [request, ...others] = env.model.responseRequests;
    assert.ok(request);
    assert.deepEqual(others, []);
    assert.equal(request.path, "/v1/responses");
    assert.deepEqual(userTexts(request), ["say hi"]);
  });

  it("lets the real runtime run a tool call and send its output back to the fake model.", async () => {
    await using env = await createOfflineEnvironment({
      model: {
        replies: [
          { type: "toolCall", arguments: { cmd: "echo hi", yield_time_ms: 2000 } },
          { type: "text", text: "it said hi" },
        ],
      },
    });

    await withThread(env, { approvalPolicy: "never", sandbox: "danger-full-access" }, async (server, threadId) => {
      const notifications = await runTurn(server, threadId, "run echo");

      assert.equal(completedTurn(notifications).status, "completed");
      assert.equal(agentMessageDeltas(notifications), "it said hi");
    });
    const [first, second, ...others] = env.model.responseRequests;
    assert.ok(first && second);
    assert.deepEqual(others, []);
    assert.deepEqual(functionCallOutputs(first), []);
    const outputs = functionCallOutputs(second);
    assert.deepEqual(
      outputs.map(({ callId }) => callId),
      ["call_1"],
    );
    assert.match(outputs[0]?.output ?? "", /Process exited with code 0[\s\S]*Output:\nhi\n/);
  });

  it("lets the real runtime fail the turn when the fake model answers HTTP 500.", async () => {
    await using env = await createOfflineEnvironment({
      model: { replies: [{ type: "httpError", status: 500, message: "the fake model broke" }] },
    });

    await withThread(env, {}, async (server, threadId) => {
      const notifications = await runTurn(server, threadId, "say hi");

      const turn = completedTurn(notifications);
      assert.equal(turn.status, "failed");
      assert.ok(turn.error);
      assert.ok(notifications.some(({ method }) => method === "error"));
    });
    // Retries are off in the offline config, so the runtime gave up after one request.
    assert.equal(env.model.responseRequests.length, 1);
  });

  it("lets the real runtime interrupt a hanging stream, and the fake model sees it closed.", async () => {
    await using env = await createOfflineEnvironment({ model: { replies: [{ type: "hang" }] } });

    await withThread(env, {}, async (server, threadId) => {
      const streaming = env.model.nextResponseRequest();
      const notifications = server.notificationsUntil("turn/completed");
      const { turn } = await server.request("turn/start", { threadId, input: [{ type: "text", text: "wait" }] });
      await withinWait(streaming, "model request");
      await server.request("turn/interrupt", { threadId, turnId: (turn as { id: string }).id });

      assert.equal(completedTurn(await notifications).status, "interrupted");
      await withinWait(env.model.idle(), "closed model stream");
    });
  });

  it("makes the real runtime send the API key when the provider requires OpenAI auth.", async () => {
    await using env = await createOfflineEnvironment({ requiresOpenaiAuth: true });

    await withThread(env, {}, async (server, threadId) => {
      await server.request("account/login/start", { type: "apiKey", apiKey: "sk-offline-test" });
      const notifications = await runTurn(server, threadId, "who am i");

      assert.equal(completedTurn(notifications).status, "completed");
      assert.equal(agentMessageDeltas(notifications), "echo: who am i");
    });
    assert.equal(env.model.responseRequests[0]?.headers.authorization, "Bearer sk-offline-test");
  });
});
