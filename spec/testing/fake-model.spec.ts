import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FakeModel, functionCallOutputs, inputImageUrls, userTexts } from "../../lib/testing/index.js";
import type { RecordedRequest } from "../../lib/testing/index.js";

interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

/** A request body shaped like the runtime's: context first, then the user's own message. */
function runtimeLikeBody(text: string): Record<string, unknown> {
  return {
    model: "mock-model",
    stream: true,
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "You are a coding agent." }] },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "# AGENTS.md instructions for /w\n\n<INSTRUCTIONS>\nBe nice.\n</INSTRUCTIONS>" },
          { type: "input_text", text: "<environment_context>\n  <cwd>/w</cwd>\n</environment_context>" },
        ],
      },
      { type: "message", role: "user", content: [{ type: "input_text", text }] },
    ],
    tools: [{ type: "function", name: "exec_command" }, { type: "function", name: "write_stdin" }],
  };
}

function postResponses(model: FakeModel, body: unknown = runtimeLikeBody("hello"), signal?: AbortSignal) {
  return fetch(`${model.baseUrl}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test" },
    body: JSON.stringify(body),
    signal,
  });
}

function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      const [eventLine = "", dataLine = ""] = block.split("\n");
      assert.match(eventLine, /^event: /);
      assert.match(dataLine, /^data: /);
      return { event: eventLine.slice("event: ".length), data: JSON.parse(dataLine.slice("data: ".length)) };
    });
}

async function streamEvents(response: Response): Promise<SseEvent[]> {
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  return parseSse(await response.text());
}

/** Reads a stream until `count` whole events have arrived, leaving it open. */
async function readEvents(response: Response, count: number): Promise<SseEvent[]> {
  assert.ok(response.body);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (text.split("\n\n").length <= count) {
    const { value, done } = await reader.read();
    assert.equal(done, false, "the stream ended early");
    text += value;
  }
  reader.releaseLock();
  return parseSse(text);
}

function deltas(events: SseEvent[]): unknown[] {
  return events.filter(({ event }) => event === "response.output_text.delta").map(({ data }) => data.delta);
}

function finalText(events: SseEvent[]): unknown {
  const done = events.find(({ event }) => event === "response.output_item.done");
  const item = done?.data.item as { content: Array<{ text: string }> } | undefined;
  return item?.content[0]?.text;
}

describe("FakeModel", () => {
  it("streams a text reply as the Responses-API event sequence whose deltas concatenate to the text.", async () => {
    await using model = await FakeModel.start({ replies: [{ type: "text", text: "  hello from\tthe mock  " }] });

    const events = await streamEvents(await postResponses(model));

    assert.deepEqual(
      events.map(({ event }) => event),
      [
        "response.created",
        "response.output_item.added",
        ...Array<string>(5).fill("response.output_text.delta"),
        "response.output_item.done",
        "response.completed",
      ],
    );
    for (const { event, data } of events) assert.equal(data.type, event);
    assert.deepEqual(deltas(events), ["  ", "hello ", "from\t", "the ", "mock  "]);
    assert.equal(deltas(events).join(""), "  hello from\tthe mock  ");
    assert.equal(finalText(events), "  hello from\tthe mock  ");
    assert.deepEqual(events.at(-1)?.data.response, {
      id: "resp_1",
      usage: {
        input_tokens: 10,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 3,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 13,
      },
    });
  });

  it("streams given deltas, the phase and the usage of a text reply.", async () => {
    await using model = await FakeModel.start({
      replies: [
        {
          type: "text",
          text: "abc",
          deltas: ["a", "bc"],
          phase: "final_answer",
          usage: { inputTokens: 5, cachedInputTokens: 2, outputTokens: 7, reasoningOutputTokens: 1 },
          eventDelayMs: 5,
        },
      ],
    });

    const events = await streamEvents(await postResponses(model));

    assert.deepEqual(deltas(events), ["a", "bc"]);
    const items = events.flatMap(({ data }) => (data.item ? [data.item as Record<string, unknown>] : []));
    assert.deepEqual(
      items.map((item) => item.phase),
      ["final_answer", "final_answer"],
    );
    assert.deepEqual(events.at(-1)?.data.response, {
      id: "resp_1",
      usage: {
        input_tokens: 5,
        input_tokens_details: { cached_tokens: 2 },
        output_tokens: 7,
        output_tokens_details: { reasoning_tokens: 1 },
        total_tokens: 12,
      },
    });
  });

  it("serves queued replies in order, then the default reply that echoes the last user message.", async () => {
    await using model = await FakeModel.start({ replies: [{ type: "text", text: "first" }] });
    model.enqueue({ type: "text", text: "second" }, (request) => ({ type: "text", text: `third for ${userTexts(request).join()}` }));

    const answers: unknown[] = [];
    for (const text of ["a", "b", "c", "d"]) {
      answers.push(finalText(await streamEvents(await postResponses(model, runtimeLikeBody(text)))));
    }

    assert.deepEqual(answers, ["first", "second", "third for c", "echo: d"]);
  });

  it("answers a tool call with a function_call item for the command tool the request offers.", async () => {
    await using model = await FakeModel.start({
      replies: [
        { type: "toolCall", arguments: { cmd: "echo hi", yield_time_ms: 2000 } },
        { type: "toolCall", arguments: {}, name: "view_image", callId: "call_custom" },
      ],
    });
    const shellOnly = { ...runtimeLikeBody("x"), tools: [{ type: "function", name: "shell" }] };

    const first = await streamEvents(await postResponses(model));
    const second = await streamEvents(await postResponses(model, shellOnly));

    assert.deepEqual(
      first.map(({ event }) => event),
      ["response.created", "response.output_item.done", "response.completed"],
    );
    assert.deepEqual(first[1]?.data.item, {
      type: "function_call",
      id: "fc_1",
      call_id: "call_1",
      name: "exec_command",
      arguments: '{"cmd":"echo hi","yield_time_ms":2000}',
      status: "completed",
    });
    assert.deepEqual(second[1]?.data.item, {
      type: "function_call",
      id: "fc_2",
      call_id: "call_custom",
      name: "view_image",
      arguments: "{}",
      status: "completed",
    });
  });

  it("answers a toolCalls reply with one function_call item per call, in one response, namespaces kept.", async () => {
    await using model = await FakeModel.start({
      replies: [{ type: "toolCalls", calls: [{ name: "lookup", arguments: { city: "Paris" } }, { name: "find", namespace: "crm", arguments: {}, callId: "mine" }] }],
    });
    const events = await streamEvents(await postResponses(model));
    assert.deepEqual(
      events.map(({ event }) => event),
      ["response.created", "response.output_item.done", "response.output_item.done", "response.completed"],
    );
    assert.deepEqual(events[1]?.data.item, { type: "function_call", id: "fc_1", call_id: "call_1_0", name: "lookup", arguments: '{"city":"Paris"}', status: "completed" });
    assert.deepEqual(events[2]?.data.item, { type: "function_call", id: "fc_1_1", call_id: "mine", name: "find", namespace: "crm", arguments: "{}", status: "completed" });
    assert.equal(events[2]?.data.output_index, 1);
  });

  it("answers an updateGoal reply with a call of the runtime's update_goal tool setting that status.", async () => {
    await using model = await FakeModel.start({ replies: [{ type: "updateGoal", status: "complete" }] });
    const events = await streamEvents(await postResponses(model));
    assert.deepEqual(events[1]?.data.item, {
      type: "function_call",
      id: "fc_1",
      call_id: "call_1",
      name: "update_goal",
      arguments: '{"status":"complete"}',
      status: "completed",
    });
  });

  it("answers an httpError reply with its status and an OpenAI-style JSON error.", async () => {
    await using model = await FakeModel.start({
      replies: [
        { type: "httpError", status: 500 },
        { type: "httpError", status: 429, message: "slow down", code: "rate_limit_exceeded" },
        { type: "httpError", status: 429, message: "out of quota", errorType: "usage_limit_reached" },
      ],
    });

    const first = await postResponses(model);
    const second = await postResponses(model);
    const third = await postResponses(model);

    assert.equal(first.status, 500);
    assert.deepEqual(await first.json(), {
      error: { message: "Internal Server Error", type: "server_error", code: null },
    });
    assert.equal(second.status, 429);
    assert.deepEqual(await second.json(), {
      error: { message: "slow down", type: "invalid_request_error", code: "rate_limit_exceeded" },
    });
    assert.deepEqual(await third.json(), {
      error: { message: "out of quota", type: "usage_limit_reached", code: null },
    });
  });

  it("ends a failed reply's stream with response.failed.", async () => {
    await using model = await FakeModel.start({ replies: [{ type: "failed", message: "overloaded", code: "server_is_overloaded" }] });

    const events = await streamEvents(await postResponses(model));

    assert.deepEqual(events, [
      { event: "response.created", data: { type: "response.created", response: { id: "resp_1" } } },
      {
        event: "response.failed",
        data: {
          type: "response.failed",
          response: { id: "resp_1", error: { code: "server_is_overloaded", message: "overloaded" } },
        },
      },
    ]);
  });

  it("writes raw events as given, and answers 500 to events without a type.", async () => {
    const raw = [{ type: "response.created", response: { id: "r" } }, { type: "response.completed", response: { id: "r" } }];
    await using model = await FakeModel.start({ replies: [{ type: "events", events: raw }, { type: "events", events: [{ id: 1 }] }] });

    const events = await streamEvents(await postResponses(model));
    const invalid = await postResponses(model);

    assert.deepEqual(
      events.map(({ data }) => data),
      raw,
    );
    assert.equal(invalid.status, 500);
    assert.match(JSON.stringify(await invalid.json()), /without a string \\"type\\"/);
  });

  it("keeps a hanging stream open until the client disconnects, and notices the disconnect.", async () => {
    await using model = await FakeModel.start({ replies: [{ type: "hang" }] });
    const abort = new AbortController();

    const response = await postResponses(model, undefined, abort.signal);
    const events = await readEvents(response, 2);
    assert.deepEqual(
      events.map(({ event }) => event),
      ["response.created", "response.output_item.added"],
    );
    abort.abort();

    // Resolves only once the server has seen the connection close.
    await model.idle();
    assert.equal((await streamEvents(await postResponses(model))).at(-1)?.event, "response.completed");
  });

  it("ends a hanging stream when the model closes, and closing again is harmless.", async () => {
    const model = await FakeModel.start({ replies: [{ type: "hang" }] });
    const response = await postResponses(model);
    await readEvents(response, 2);

    await model.close();
    await model.close();

    await assert.rejects(response.text());
    await model.idle();
  });

  it("stops a slow stream once its client disconnects.", async () => {
    await using model = await FakeModel.start({
      replies: [{ type: "text", text: "one two three four", eventDelayMs: 60_000 }],
    });
    const abort = new AbortController();
    const response = await postResponses(model, undefined, abort.signal);

    await readEvents(response, 1);
    abort.abort();

    // Without the disconnect check this would wait out the one-minute delays.
    await model.idle();
  });

  it("records every request with its method, path, headers and parsed body.", async () => {
    await using model = await FakeModel.start();

    const models = await fetch(`${model.baseUrl}/models?client_version=0.169.0`);
    await streamEvents(await postResponses(model, runtimeLikeBody("recorded")));
    const missing = await fetch(`http://127.0.0.1:${model.port}/nowhere`, { method: "DELETE" });

    assert.equal(models.status, 200);
    assert.deepEqual(((await models.json()) as { data: unknown }).data, [
      { id: "mock-model", object: "model", created: 0, owned_by: "codex-app-sdk" },
    ]);
    assert.equal(missing.status, 404);
    await missing.body?.cancel();
    assert.deepEqual(
      model.requests.map(({ method, path }) => `${method} ${path}`),
      ["GET /v1/models?client_version=0.169.0", "POST /v1/responses", "DELETE /nowhere"],
    );
    assert.equal(model.requests[0]?.body, undefined);
    assert.deepEqual(model.responseRequests, [model.requests[1]]);
    const [request] = model.responseRequests;
    assert.equal(request?.headers.authorization, "Bearer sk-test");
    assert.deepEqual(request?.body, runtimeLikeBody("recorded"));
  });

  it("resolves nextResponseRequest with the next response request, as soon as it arrives.", async () => {
    await using model = await FakeModel.start({ replies: [{ type: "text", text: "ignored" }, { type: "hang" }] });
    await streamEvents(await postResponses(model, runtimeLikeBody("before")));
    const abort = new AbortController();

    const next = model.nextResponseRequest();
    await (await fetch(`${model.baseUrl}/models`)).json();
    const hanging = postResponses(model, runtimeLikeBody("after"), abort.signal).then((response) => response.text());
    const request = await next;

    // The hanging reply never completes, so this resolved on arrival, not on the answer.
    assert.deepEqual(userTexts(request), ["after"]);
    assert.equal(request, model.responseRequests[1]);
    abort.abort();
    await assert.rejects(hanging);
  });

  it("reads user texts, image urls and tool outputs from a recorded request, leaving out the runtime's context.", () => {
    const body = runtimeLikeBody("say hi");
    const input = body.input as unknown[];
    input.push(
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "look" },
          { type: "input_text", text: '<image name=[Image #1] path="/w/px.png">' },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "high" },
          { type: "input_text", text: "</image>" },
          { type: "input_image", image_url: "https://example.com/a.png" },
        ],
      },
      { type: "function_call", call_id: "call_1", name: "exec_command", arguments: "{}" },
      { type: "function_call_output", call_id: "call_1", output: "Output:\nhi\n" },
      { type: "function_call_output", call_id: "call_2", output: [{ type: "input_text", text: "rich" }] },
    );
    const request: RecordedRequest = { method: "POST", path: "/v1/responses", headers: {}, body };

    assert.deepEqual(userTexts(request), ["say hi", "look"]);
    assert.deepEqual(inputImageUrls(request), ["data:image/png;base64,AAAA", "https://example.com/a.png"]);
    assert.deepEqual(functionCallOutputs(request), [
      { callId: "call_1", output: "Output:\nhi\n" },
      { callId: "call_2", output: '[{"type":"input_text","text":"rich"}]' },
    ]);
    const empty: RecordedRequest = { method: "GET", path: "/v1/models", headers: {}, body: undefined };
    assert.deepEqual([userTexts(empty), inputImageUrls(empty), functionCallOutputs(empty)], [[], [], []]);
  });
});
