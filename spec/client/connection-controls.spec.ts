import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { AsyncCodex, InvalidArgumentError, type MessageLogEntry, VERSION } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const DELTAS = Array.from({ length: 200 }, (_, index) => `word${index} `);

test("optOutNotificationMethods suppresses the deltas while run() still returns the full text", async (t) => {
  const reply = { type: "text" as const, text: DELTAS.join(""), deltas: DELTAS };
  const { codex } = await offlineCodex(t, { environment: { model: { defaultReply: reply } }, codex: { optOutNotificationMethods: ["item/agentMessage/delta"] } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("talk a lot");
  const methods: string[] = [];
  for await (const notification of turn) methods.push(notification.method);
  assert.equal(methods.filter((method) => method === "item/agentMessage/delta").length, 0);
  assert.equal(methods.at(-1), "turn/completed");
  assert.equal((await thread.run("again")).finalResponse, DELTAS.join(""));

  // Without the opt-out the same turn streams every delta.
  const { codex: chatty } = await offlineCodex(t, { environment: { model: { defaultReply: reply } } });
  const chattyTurn = await (await chatty.threadStart()).turn("talk a lot");
  let deltas = 0;
  for await (const notification of chattyTurn) if (notification.method === "item/agentMessage/delta") deltas += 1;
  assert.equal(deltas, DELTAS.length);
});

test("optOutNotificationMethods refuses the notifications every turn handle needs, and patterns", () => {
  for (const method of ["turn/completed", "item/completed"]) {
    assert.throws(() => new AsyncCodex({ optOutNotificationMethods: [method] }), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.argument, "options.optOutNotificationMethods[0]");
      assert.match(error.message, /cannot be opted out of: every turn handle waits for it/);
      return true;
    });
  }
  assert.throws(() => new AsyncCodex({ optOutNotificationMethods: ["item/*"] }), /exact method name/);
  assert.throws(() => new AsyncCodex({ optOutNotificationMethods: "item/agentMessage/delta" as never }), /must be an array/);
});

test("a per-call trace context reaches the runtime: its rollout records the trace id", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await thread.run("traced", { trace: { traceparent: TRACEPARENT, tracestate: "sdkvendor=abc" } });
  const sessions = join(env.codexHome, "sessions");
  const files = (await readdir(sessions, { recursive: true })).filter((file) => file.endsWith(".jsonl"));
  const rollouts = await Promise.all(files.map((file) => readFile(join(sessions, file), "utf8")));
  assert.ok(rollouts.some((rollout) => rollout.includes(`"trace_id":"${TRACE_ID}"`)));
});

test("with the runtime's [otel] exporter configured, the client hook's trace context reaches the model requests", async (t) => {
  const asked: string[] = [];
  const { env } = await offlineCodex(t);
  // The exporter posts spans to the fake model's port, which records and answers any path.
  const traced = new AsyncCodex({
    ...env.options,
    config: { otel: { environment: "sdk-test", trace_exporter: { "otlp-http": { endpoint: `http://127.0.0.1:${env.model.port}/v1/traces`, protocol: "json" } } } },
    traceContext: () => {
      asked.push("asked");
      return { traceparent: TRACEPARENT };
    },
  });
  t.after(() => traced.close());
  await (await traced.threadStart()).run("traced");
  const traceparent = String(env.model.responseRequests.at(-1)?.headers.traceparent ?? "");
  assert.match(traceparent, new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`), "the runtime made its span a child of ours");
  assert.equal(asked.length, 2, "asked for thread/start and turn/start");
});

test("a malformed trace context fails before sending (the runtime would never answer it)", async (t) => {
  const { codex } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await assert.rejects(thread.run("x", { trace: "garbage" as never }), /options\.trace: must be an object/);
  await assert.rejects(thread.run("x", { trace: { traceparent: "garbage" } }), /options\.trace\.traceparent: must be a W3C traceparent/);
  await assert.rejects(codex.models({ trace: { traceparent: `00-${"0".repeat(32)}-00f067aa0ba902b7-01` } }), /traceparent/);
  await assert.rejects(codex.models({ trace: { traceparent: TRACEPARENT, tracestate: "é" } }), /options\.trace\.tracestate/);
  const hooked = new AsyncCodex({ ...(await offlineCodex(t)).env.options, traceContext: () => ({ traceparent: "nope" }) });
  t.after(() => hooked.close());
  await assert.rejects(hooked.models(), /the traceContext hook's result\.traceparent/);
});

test("the logger sees every message in and out, with reply durations, and no secret", async (t) => {
  const log: MessageLogEntry[] = [];
  const apiKey = "sk-test-logger-0123456789abcdefghij";
  const { codex } = await offlineCodex(t, { environment: { requiresOpenaiAuth: true }, codex: { logger: (entry) => log.push(entry) } });
  await codex.loginApiKey(apiKey);
  const thread = await codex.threadStart();
  await thread.run("hello");
  const requests = log.filter((entry) => entry.direction === "out" && entry.kind === "request");
  const responses = log.filter((entry) => entry.direction === "in" && entry.kind === "response");
  assert.deepEqual(requests.map((entry) => entry.method), ["initialize", "account/login/start", "thread/start", "turn/start"]);
  assert.deepEqual(responses.map((entry) => [entry.id, entry.method]), requests.map((entry) => [entry.id, entry.method]));
  assert.ok(responses.every((entry) => typeof entry.durationMs === "number" && entry.durationMs >= 0 && !entry.error));
  assert.ok(log.some((entry) => entry.direction === "out" && entry.kind === "notification" && entry.method === "initialized"));
  const notifications = log.filter((entry) => entry.direction === "in" && entry.kind === "notification").map((entry) => entry.method);
  for (const method of ["turn/started", "item/agentMessage/delta", "item/completed", "turn/completed"]) assert.ok(notifications.includes(method), method);
  assert.ok(log.every((entry) => entry.size === Buffer.byteLength(JSON.stringify(entry.message)) || entry.size > 0));
  assert.ok(!JSON.stringify(log).includes(apiKey), "the API key never reaches the logger");
  const login = requests[1]?.message as { params: { apiKey: string } };
  assert.equal(login.params.apiKey, "[REDACTED]");
});

test("VERSION is the SDK's package version, sent in initialize by default", async (t) => {
  const { version } = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  assert.equal(VERSION, version);
  const log: MessageLogEntry[] = [];
  const { codex } = await offlineCodex(t, { codex: { logger: (entry) => log.push(entry) } });
  await codex.start();
  const initialize = log.find((entry) => entry.method === "initialize")?.message as { params: { clientInfo: { version: string } } };
  assert.equal(initialize.params.clientInfo.version, VERSION);
});
