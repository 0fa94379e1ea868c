import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { test } from "node:test";
import * as v from "valibot";
import { type ApprovalRequest, ApprovalMode, BUILT_IN_TOOL_NAMES, type Notification, type ToolContext, ToolCallError, tool, toolImage } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";
import { answers, outputsOf, runTurn, setUp } from "../support/tool-calls.js";

const PIXEL = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

test("a valid call runs execute with typed, validated args, and the model receives its output as function_call_output", async (t) => {
  const seen: Array<{ args: { city: string; days?: number | undefined }; context: ToolContext }> = [];
  const weather = tool({
    name: "lookup_weather",
    description: "Get the weather for a city",
    parameters: v.object({ city: v.pipe(v.string(), v.trim()), days: v.optional(v.pipe(v.number(), v.integer())) }),
    execute: (args, context) => {
      const city: string = args.city; // typed from the schema
      seen.push({ args, context });
      return `sunny in ${city}`;
    },
  });
  const { codex, env, errors } = await setUp(t, [{ name: "lookup_weather", arguments: { city: "  Paris " } }]);
  const thread = await codex.threadStart({ tools: [weather] });
  const { turn, events } = await runTurn(thread);

  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0]?.args, { city: "Paris" }, "parsed by the schema (v.trim ran)");
  const context = seen[0]!.context;
  assert.deepEqual({ threadId: context.threadId, turnId: context.turnId, callId: context.callId }, { threadId: thread.id, turnId: turn.id, callId: "call_1_0" });
  assert.equal(context.signal.aborted, false);

  const [first, second] = env.model.responseRequests;
  const advertised = (first!.body as { tools: Array<Record<string, unknown>> }).tools.find((entry) => entry.name === "lookup_weather");
  assert.deepEqual(advertised, {
    type: "function",
    name: "lookup_weather",
    description: "Get the weather for a city",
    strict: false,
    parameters: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city"], additionalProperties: false },
  });
  assert.deepEqual(outputsOf(second), { call_1_0: "sunny in Paris" });
  const asked = events.find((n) => n.method === "sdk/serverRequest");
  assert.ok(asked?.method === "sdk/serverRequest" && asked.params.request.method === "item/tool/call");
  assert.deepEqual(asked.params.request.params, { threadId: thread.id, turnId: turn.id, callId: "call_1_0", namespace: null, tool: "lookup_weather", arguments: { city: "  Paris " } });
  assert.deepEqual(answers(events).map(({ outcome, response }) => ({ outcome, response })), [
    { outcome: "handled", response: { contentItems: [{ type: "inputText", text: "sunny in Paris" }], success: true } },
  ]);
  const item = events.find((n) => n.method === "item/completed" && n.params.item.type === "dynamicToolCall");
  assert.ok(item?.method === "item/completed" && item.params.item.type === "dynamicToolCall" && item.params.item.status === "completed");
  assert.deepEqual(errors, []);
});

test("objects reach the model as JSON text, and strings with images as one part each", async (t) => {
  const customer = tool({ name: "customer", description: "A customer", parameters: v.object({}), execute: async () => ({ id: 7, name: "Ada" }) });
  const picture = tool({ name: "picture", description: "A picture", parameters: v.object({}), execute: () => ["here it is", toolImage(PIXEL)] });
  const { codex, env } = await setUp(t, [
    { name: "customer", arguments: {} },
    { name: "picture", arguments: {} },
  ]);
  const thread = await codex.threadStart({ tools: [customer, picture] });
  await runTurn(thread);
  const outputs = outputsOf(env.model.responseRequests[1]);
  assert.equal(outputs.call_1_0, '{"id":7,"name":"Ada"}');
  assert.deepEqual(JSON.parse(outputs.call_1_1 ?? ""), [
    { type: "input_text", text: "here it is" },
    { type: "input_image", image_url: PIXEL, detail: "high" },
  ]);
});

test("invalid args, a throw and a timeout each give the model an explanation and onError a typed ToolCallError", async (t) => {
  let slowSignal: AbortSignal | undefined;
  let strictRan = false;
  const strict = tool({
    name: "count_things",
    description: "Counts",
    parameters: v.object({ count: v.pipe(v.number(), v.integer()) }),
    execute: () => {
      strictRan = true;
      return "counted";
    },
  });
  const exploding = tool({
    name: "exploding",
    description: "Always fails",
    parameters: v.object({}),
    execute: async () => {
      throw new Error("backend refused api_key=sk-live-0123456789abcdef");
    },
  });
  const slow = tool({
    name: "slow",
    description: "Never finishes in time",
    parameters: v.object({}),
    timeoutMs: 300,
    execute: (_args, { signal }) => {
      slowSignal = signal;
      return new Promise(() => {});
    },
  });
  const { codex, env, errors } = await setUp(t, [
    { name: "count_things", arguments: { count: "three" } },
    { name: "exploding", arguments: {} },
    { name: "slow", arguments: {} },
  ]);
  const thread = await codex.threadStart({ tools: [strict, exploding, slow] });
  const { events } = await runTurn(thread);

  assert.equal(strictRan, false, "execute does not run on invalid arguments");
  assert.equal(slowSignal?.aborted, true, "the timed-out call's signal aborts");
  const outputs = outputsOf(env.model.responseRequests[1]);
  assert.match(outputs.call_1_0 ?? "", /^Tool count_things was not run: its arguments do not match its parameters \(count: Invalid type: Expected number but received "three"\)\. Call it again/);
  assert.match(outputs.call_1_1 ?? "", /^Tool exploding failed: backend refused api_key=\[REDACTED\]$/);
  assert.match(outputs.call_1_2 ?? "", /^Tool slow did not finish within 300 ms and was stopped\./);
  for (const output of Object.values(outputs)) assert.doesNotMatch(output, /sk-live/);

  const failures = errors.filter((error): error is ToolCallError => error instanceof ToolCallError);
  assert.deepEqual(failures.map(({ reason, tool: name }) => [name, reason]).sort(), [["count_things", "invalidArguments"], ["exploding", "failed"], ["slow", "timedOut"]]);
  const invalid = failures.find((error) => error.reason === "invalidArguments");
  assert.deepEqual(invalid?.issues.map(({ path }) => path), ["count"]);
  assert.equal(invalid?.threadId, thread.id);
  assert.doesNotMatch(failures.map((error) => error.message).join("\n"), /sk-live/);
  assert.match(String((failures.find((error) => error.reason === "failed")?.cause as Error).message), /sk-live/, "the cause is the tool's own error, untouched");

  const byTool = answers(events).map((answer) => {
    const response = answer.response as { contentItems: Array<{ text: string }>; success: boolean };
    return [response.contentItems[0]?.text.split(" ")[1], [answer.outcome, response.success]] as const;
  });
  assert.deepEqual(Object.fromEntries(byTool), {
    count_things: ["failed", false],
    exploding: ["failed", false],
    slow: ["timedOut", false],
  });
  const completed = events.at(-1);
  assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "completed", "the turn goes on");
});

test("two calls in one response run concurrently, and a concurrency limit of 1 runs them one after the other", async (t) => {
  const spans: Record<string, Array<{ start: number; end: number }>> = { free: [], limited: [] };
  let release: () => void = () => {};
  const bothStarted = new Promise<void>((resolve) => (release = resolve));
  const free = tool({
    name: "free",
    description: "Waits for its sibling",
    parameters: v.object({ n: v.number() }),
    execute: async () => {
      const start = performance.now();
      if (spans.free!.push({ start, end: Number.NaN }) === 2) release();
      // Resolves only once both calls are running: a sequential runner would fail this test.
      await Promise.race([bothStarted, new Promise((_resolve, reject) => setTimeout(() => reject(new Error("the sibling call never started")), 10_000).unref())]);
      // Not a wait for an event: the tool's own work, 200 ms long, so the spans can overlap measurably.
      await new Promise((resolve) => setTimeout(resolve, 200));
      spans.free!.find((span) => span.start === start)!.end = performance.now();
      return "ok";
    },
  });
  const limited = tool({
    name: "limited",
    description: "One at a time",
    parameters: v.object({ n: v.number() }),
    concurrency: 1,
    execute: async () => {
      const span = { start: performance.now(), end: Number.NaN };
      spans.limited!.push(span);
      // The tool's own work, 200 ms long: with concurrency 1 the two spans must not overlap.
      await new Promise((resolve) => setTimeout(resolve, 200));
      span.end = performance.now();
      return "ok";
    },
  });
  const { codex, env } = await setUp(t, [
    { name: "free", arguments: { n: 1 } },
    { name: "free", arguments: { n: 2 } },
    { name: "limited", arguments: { n: 1 } },
    { name: "limited", arguments: { n: 2 } },
  ]);
  const thread = await codex.threadStart({ tools: [free, limited] });
  await runTurn(thread);
  assert.deepEqual(Object.values(outputsOf(env.model.responseRequests[1])), ["ok", "ok", "ok", "ok"]);
  const overlap = (pair: Array<{ start: number; end: number }>): number => Math.min(pair[0]!.end, pair[1]!.end) - Math.max(pair[0]!.start, pair[1]!.start);
  const freeOverlap = overlap(spans.free!);
  const limitedOverlap = overlap(spans.limited!);
  const startGap = Math.abs(spans.free![1]!.start - spans.free![0]!.start);
  t.diagnostic(`two concurrent calls: started ${startGap.toFixed(1)} ms apart, overlap ${freeOverlap.toFixed(1)} ms; with concurrency 1: overlap ${limitedOverlap.toFixed(1)} ms`);
  assert.ok(freeOverlap > 0, `the two calls overlap (${freeOverlap} ms)`);
  assert.ok(limitedOverlap <= 0, `with concurrency 1 the second starts after the first ended (${limitedOverlap} ms)`);
});

for (const how of ["turn.interrupt()", "aborting the turn's signal"] as const) {
  test(`${how} aborts every running execute's signal, and the turn ends interrupted`, async (t) => {
    const signals: AbortSignal[] = [];
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => (started = resolve));
    const wait = tool({
      name: "wait_forever",
      description: "Waits until cancelled",
      parameters: v.object({ n: v.number() }),
      execute: (_args, { signal }) => {
        if (signals.push(signal) === 2) started();
        return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
      },
    });
    const { codex, errors } = await setUp(t, [
      { name: "wait_forever", arguments: { n: 1 } },
      { name: "wait_forever", arguments: { n: 2 } },
    ]);
    const thread = await codex.threadStart({ tools: [wait] });
    const controller = new AbortController();
    const turn = await thread.turn("go", { signal: controller.signal });
    const events: Notification[] = [];
    const consumed = (async () => {
      for await (const n of turn) events.push(n);
    })();
    await running;
    if (how === "turn.interrupt()") {
      await turn.interrupt();
      await consumed;
      const completed = events.at(-1);
      assert.ok(completed?.method === "turn/completed" && completed.params.turn.status === "interrupted");
      assert.deepEqual(answers(events).map(({ outcome }) => outcome), ["cancelled", "cancelled"]);
    } else {
      controller.abort(new Error("user left"));
      await assert.rejects(consumed, /user left/);
      await Promise.all(signals.map((signal) => (signal.aborted ? undefined : new Promise((resolve) => signal.addEventListener("abort", resolve)))));
    }
    assert.deepEqual(signals.map((signal) => signal.aborted), [true, true]);
    assert.deepEqual(errors.filter((error) => error instanceof ToolCallError), [], "a cancelled call is no tool failure");
  });
}

test("a namespaced tool is declared as a namespace and runs when the model calls it with that namespace", async (t) => {
  const findCustomer = tool({
    name: "find_customer",
    description: "Find a customer by email",
    parameters: v.object({ email: v.pipe(v.string(), v.email()) }),
    execute: ({ email }) => `customer ${email}: Ada`,
  });
  const { codex, env } = await setUp(t, [{ name: "find_customer", namespace: "crm", arguments: { email: "ada@example.com" } }]);
  const thread = await codex.threadStart({ tools: [{ name: "crm", description: "CRM tools", tools: [findCustomer] }] });
  await runTurn(thread);
  const [first, second] = env.model.responseRequests;
  const namespace = (first!.body as { tools: Array<Record<string, unknown>> }).tools.find((entry) => entry.name === "crm");
  assert.equal(namespace?.type, "namespace");
  assert.deepEqual((namespace?.tools as Array<{ name: string }>).map(({ name }) => name), ["find_customer"]);
  assert.deepEqual(outputsOf(second), { call_1_0: "customer ada@example.com: Ada" });
});

test("the runtime's built-in tools are all in BUILT_IN_TOOL_NAMES, so none can be shadowed", async (t) => {
  const mine = tool({ name: "mine", description: "Mine", parameters: v.object({}), execute: () => "" });
  const { codex, env } = await offlineCodex(t);
  await (await codex.threadStart({ tools: [mine] })).run("hello");
  const advertised = (env.model.responseRequests[0]!.body as { tools: Array<{ name?: string; type: string }> }).tools.map((entry) => entry.name ?? entry.type);
  t.diagnostic(`advertised: ${advertised.join(", ")}`);
  assert.equal(advertised.at(-1), "mine", "client-side tools come after the built-ins");
  const builtIns = advertised.slice(0, -1);
  assert.ok(builtIns.length >= 5);
  assert.deepEqual(builtIns.filter((name) => !BUILT_IN_TOOL_NAMES.includes(name)), []);
});

test("a tool with needsApproval asks onApproval first and fails closed; others run unasked, even under ApprovalMode.untrusted", async (t) => {
  const refunds: number[] = [];
  const refund = tool({
    name: "refund",
    description: "Refund an order",
    parameters: v.object({ amount: v.number() }),
    needsApproval: true,
    execute: ({ amount }) => {
      refunds.push(amount);
      return `refunded ${amount}`;
    },
  });
  const lookup = tool({ name: "lookup", description: "Look up", parameters: v.object({}), execute: () => "looked up" });
  const { codex, env, errors } = await setUp(t, [
    { name: "refund", arguments: { amount: 5 } },
    { name: "lookup", arguments: {} },
  ]);
  const thread = await codex.threadStart({ tools: [refund, lookup], approvalMode: ApprovalMode.untrusted });

  const first = await runTurn(thread);
  assert.deepEqual(outputsOf(env.model.responseRequests.at(-1)), {
    call_1_0: "Tool refund was not run: it needs the user's approval, and the client has no onApproval handler to ask.",
    call_1_1: "looked up",
  });
  assert.deepEqual(answers(first.events).map(({ outcome }) => outcome).sort(), ["handled", "noHandler"]);
  assert.ok(errors.some((error) => error instanceof ToolCallError && error.reason === "notApproved"));

  const asked: ApprovalRequest[] = [];
  await runTurn(thread, {
    onApproval: (request: ApprovalRequest) => {
      asked.push(request);
      return "decline";
    },
  });
  assert.equal(outputsOf(env.model.responseRequests.at(-1)).call_3_0, "Tool refund was not run: the user declined it.");
  assert.equal(asked.length, 1, "asked for the tool that needs it only");
  const [request] = asked;
  assert.ok(request?.type === "toolCall");
  assert.deepEqual({ tool: request.tool, arguments: request.arguments, threadId: request.threadId }, { tool: "refund", arguments: { amount: 5 }, threadId: thread.id });

  await runTurn(thread, { onApproval: () => "accept" });
  assert.equal(outputsOf(env.model.responseRequests.at(-1)).call_5_0, "refunded 5");
  assert.deepEqual(refunds, [5]);

  const cancelled = await runTurn(thread, { onApproval: () => "cancel" });
  const end = cancelled.events.at(-1);
  assert.ok(end?.method === "turn/completed" && end.params.turn.status === "interrupted", "cancel declines and interrupts the turn");
  assert.deepEqual(refunds, [5]);

  await runTurn(thread, { onApproval: () => "acceptForSession" });
  await runTurn(thread, {
    onApproval: () => {
      throw new Error("not asked again");
    },
  });
  assert.deepEqual(refunds, [5, 5, 5], "acceptForSession stops asking for that tool on that thread");
});

test("a tool with no timeoutMs of its own is still bounded by serverRequestTimeoutMs, and the model is told", async (t) => {
  let callSignal: AbortSignal | undefined;
  const stuck = tool({
    name: "stuck",
    description: "Never answers",
    parameters: v.object({}),
    execute: (_args, { signal }) => {
      callSignal = signal;
      return new Promise(() => {});
    },
  });
  const { codex, env } = await setUp(t, [{ name: "stuck", arguments: {} }], { serverRequestTimeoutMs: 300 });
  const { events } = await runTurn(await codex.threadStart({ tools: [stuck] }));
  assert.equal(outputsOf(env.model.responseRequests.at(-1)).call_1_0, "The tool call got no result: the client's handler failed or did not answer in time.");
  assert.equal(answers(events)[0]?.outcome, "timedOut");
  assert.equal(callSignal?.aborted, true);
});

test("when the runtime dies, every running execute's signal aborts", async (t) => {
  let started: () => void = () => {};
  const running = new Promise<void>((resolve) => (started = resolve));
  let callSignal: AbortSignal | undefined;
  const wait = tool({
    name: "wait_forever",
    description: "Waits",
    parameters: v.object({}),
    execute: (_args, { signal }) => {
      callSignal = signal;
      started();
      return new Promise(() => {});
    },
  });
  const { codex } = await setUp(t, [{ name: "wait_forever", arguments: {} }]);
  const turn = await (await codex.threadStart({ tools: [wait] })).turn("go");
  const result = turn.run();
  await running;
  process.kill(codex.pid!, "SIGKILL");
  await assert.rejects(result, { name: "TransportClosedError" });
  assert.equal(callSignal?.aborted, true);
});
