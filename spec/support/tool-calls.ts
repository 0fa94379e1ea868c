import type { TestContext } from "node:test";
import type { Notification } from "../../lib/index.js";
import { type FakeReply, type FakeToolCall, functionCallOutputs, type RecordedRequest } from "../../lib/testing/index.js";
import { offlineCodex } from "./offline-codex.js";

/** Helpers of the client-side tool specs: a fake model that calls tools, and what to read back. */

/** The fake model calls `calls` (all in one response) for the first prompt, then answers "done". */
export function callingModel(calls: FakeToolCall[]): (request: RecordedRequest) => FakeReply {
  return (request) => {
    const input = (request.body as { input: Array<{ type?: string }> }).input;
    return input.at(-1)?.type === "function_call_output" ? { type: "text", text: "done" } : { type: "toolCalls", calls };
  };
}

/** An offline client whose fake model makes `calls` for every prompt. */
export async function setUp(t: TestContext, calls: FakeToolCall[], codex = {}) {
  return offlineCodex(t, { environment: { model: { defaultReply: callingModel(calls) } }, codex });
}

/** Runs one turn to its end, collecting its notifications. */
export async function runTurn(thread: { turn(input: string, options?: object): Promise<AsyncIterable<Notification> & { id: string }> }, options?: object) {
  const turn = await thread.turn("go", options);
  const events: Notification[] = [];
  for await (const n of turn) events.push(n);
  return { turn, events };
}

/** The `sdk/serverRequest/answered` events of tool calls. */
export function answers(events: Notification[]) {
  return events.flatMap((n) => (n.method === "sdk/serverRequest/answered" && n.params.requestMethod === "item/tool/call" ? [n.params] : []));
}

/** The tool outputs a model request carried, by call id. */
export function outputsOf(request: RecordedRequest | undefined): Record<string, string> {
  return Object.fromEntries(functionCallOutputs(request!).map(({ callId, output }) => [callId, output]));
}
