/**
 * A scripted stand-in for the model: a loopback HTTP server speaking the subset of the OpenAI
 * Responses API that `codex app-server` uses, so the real runtime can be driven in tests without a
 * network, credentials or a real model.
 *
 * @module
 */

import { STATUS_CODES, createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Token counts reported in a reply's `response.completed` event. */
export interface FakeUsage {
  /** Prompt tokens. */
  inputTokens: number;
  /** Prompt tokens served from cache. Default `0`. */
  cachedInputTokens?: number | undefined;
  /** Generated tokens. */
  outputTokens: number;
  /** Generated tokens spent on reasoning. Default `0`. */
  reasoningOutputTokens?: number | undefined;
  /** Default `inputTokens + outputTokens`. */
  totalTokens?: number | undefined;
}

/**
 * One scripted answer to a `POST …/responses` request.
 *
 * - `text`: an assistant message streamed as `response.created`, `response.output_item.added`,
 *   one `response.output_text.delta` per delta, `response.output_item.done` and
 *   `response.completed`.
 * - `toolCall`: a `function_call` item, after which the runtime runs the tool and asks again with
 *   a `function_call_output` item.
 * - `toolCalls`: several `function_call` items in one response (the runtime runs them in parallel).
 * - `updateGoal`: a call of the runtime's `update_goal` tool, which sets the thread's goal status
 *   (`complete` ends a goal); the runtime then asks again with the tool's output.
 * - `httpError`: an HTTP error status with an OpenAI-style JSON error body.
 * - `failed`: a stream that ends with `response.failed`.
 * - `hang`: a stream that starts an assistant message and never finishes it, until the client
 *   disconnects or the model is closed; use it to test interrupts and timeouts.
 * - `events`: raw Responses-API events, written as given, for shapes the other kinds don't cover.
 */
export type FakeReply =
  | {
      /** An assistant message. */
      type: "text";
      /** The complete message text. */
      text: string;
      /**
       * The chunks streamed as deltas; they should concatenate to `text`.
       * Default: `text` split after each run of whitespace.
       */
      deltas?: string[] | undefined;
      /** Set as the message item's `phase` when given. Default: no phase. */
      phase?: "commentary" | "final_answer" | undefined;
      /** Default `{ inputTokens: 10, outputTokens: 3 }`. */
      usage?: FakeUsage | undefined;
      /** Milliseconds to wait between two events, to simulate a slow stream. Default `0`. */
      eventDelayMs?: number | undefined;
    }
  | {
      /** A function call. */
      type: "toolCall";
      /** The tool's arguments; sent JSON-encoded, as the Responses API does. */
      arguments: Record<string, unknown>;
      /**
       * The function to call. Default: the command tool the request advertises in `tools`
       * (`exec_command`, else `shell_command`, else `shell`).
       */
      name?: string | undefined;
      /** Default `call_<n>`, unique per model. */
      callId?: string | undefined;
      /** The namespace of a namespaced client-side tool. Default: none. */
      namespace?: string | undefined;
      /** Default `{ inputTokens: 10, outputTokens: 3 }`. */
      usage?: FakeUsage | undefined;
    }
  | {
      /** Several function calls in one response. */
      type: "toolCalls";
      /** The calls, in order; each `callId` defaults to `call_<n>_<index>`. */
      calls: FakeToolCall[];
      /** Default `{ inputTokens: 10, outputTokens: 3 }`. */
      usage?: FakeUsage | undefined;
    }
  | {
      /** The model calls `update_goal`, as it does to mark the thread's goal complete (or blocked, or paused). */
      type: "updateGoal";
      /** The status the model sets. */
      status: "complete" | "blocked" | "paused";
      /** Default `{ inputTokens: 10, outputTokens: 3 }`. */
      usage?: FakeUsage;
    }
  | {
      /** An HTTP error. */
      type: "httpError";
      /** The HTTP status code, e.g. `500` or `429`. */
      status: number;
      /** Default: the status text, e.g. `"Internal Server Error"`. */
      message?: string | undefined;
      /** The error's `code` member. Default `null`. */
      code?: string | undefined;
      /**
       * The error's `type` member. Default `"server_error"` for a 5xx status, else
       * `"invalid_request_error"`. With status 429, `"usage_limit_reached"` is how the
       * Responses API says the account's usage limit is reached (the runtime then stops an
       * active goal as `usageLimited`).
       */
      errorType?: string | undefined;
    }
  | {
      /** A stream that fails. */
      type: "failed";
      /** The error message carried by `response.failed`. */
      message: string;
      /** Default `"server_error"`. */
      code?: string | undefined;
    }
  | {
      /** A stream that never ends. */
      type: "hang";
    }
  | {
      /** Raw events. */
      type: "events";
      /** Responses-API events; each must have a string `type`, which is also the SSE event name. */
      events: Array<Record<string, unknown>>;
    };

/** One call of a `toolCalls` reply. */
export interface FakeToolCall {
  /** The function to call. */
  name: string;
  /** The tool's arguments; sent JSON-encoded, as the Responses API does. */
  arguments: Record<string, unknown>;
  /** The namespace of a namespaced client-side tool. Default: none. */
  namespace?: string | undefined;
  /** Default `call_<n>_<index>`. */
  callId?: string | undefined;
}

/** A reply, or a function choosing one from the request it answers. */
export type FakeReplySource = FakeReply | ((request: RecordedRequest) => FakeReply);

/** An HTTP request the fake model received. */
export interface RecordedRequest {
  /** The HTTP method, e.g. `"POST"`. */
  method: string;
  /** The request target as sent, e.g. `"/v1/responses"` (with the query string, if any). */
  path: string;
  /** The request headers, with lower-case names (as Node's `IncomingHttpHeaders`, spelled out so the types need no `@types/node`). */
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON; the raw text when it is not JSON; `undefined` when empty. */
  body: unknown;
}

/** Options for {@link FakeModel.start}. */
export interface FakeModelOptions {
  /** Replies served in order, one per `POST …/responses`. Default `[]`. */
  replies?: FakeReplySource[] | undefined;
  /**
   * The reply once `replies` is used up.
   * Default: a text reply `echo: <text of the last user message>`, so concurrent threads get
   * answers that tell them apart.
   */
  defaultReply?: FakeReplySource | undefined;
}

/** A `function_call_output` item the runtime sent back after running a tool. */
export interface FunctionCallOutput {
  /** The `call_id` of the function call it answers. */
  callId: string;
  /** The tool's output; JSON text when the runtime sent structured content. */
  output: string;
}

const DEFAULT_USAGE: FakeUsage = { inputTokens: 10, outputTokens: 3 };

/** Command tools of the runtime, newest name first; which one a request offers depends on its version. */
const EXEC_TOOL_NAMES = ["exec_command", "shell_command", "shell"];

const SSE_HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" };

/**
 * A Responses-API server on `127.0.0.1` with an ephemeral port. Point a model provider's `base_url`
 * at {@link FakeModel.baseUrl} (see `createOfflineEnvironment`), script replies, and inspect the
 * requests the runtime sent.
 *
 * @example
 * ```ts
 * await using model = await FakeModel.start({
 *   replies: [{ type: "toolCall", arguments: { cmd: "echo hi" } }, { type: "text", text: "done" }],
 * });
 * // … run a turn against model.baseUrl …
 * const [, second] = model.responseRequests;
 * assert.equal(functionCallOutputs(second!)[0]?.callId, "call_1");
 * ```
 */
export class FakeModel implements AsyncDisposable {
  /** The port the server listens on. */
  readonly port: number;
  /** The API root to use as a provider's `base_url`, e.g. `"http://127.0.0.1:41234/v1"`. */
  readonly baseUrl: string;
  /** Every request received, on any path, in order of arrival. */
  readonly requests: readonly RecordedRequest[];

  readonly #server: Server;
  readonly #requests: RecordedRequest[] = [];
  readonly #replies: FakeReplySource[];
  readonly #defaultReply: FakeReplySource;
  readonly #waiters: Array<(request: RecordedRequest) => void> = [];
  /** One promise per response still being written, settled when its connection closes. */
  readonly #openResponses = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  private constructor(server: Server, options: FakeModelOptions) {
    this.#server = server;
    this.#replies = [...(options.replies ?? [])];
    this.#defaultReply = options.defaultReply ?? echoLastUserMessage;
    this.requests = this.#requests;
    this.port = (server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${this.port}/v1`;
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      this.#handle(req, res).catch((error: unknown) => failRequest(res, error));
    });
  }

  /**
   * Starts a fake model listening on `127.0.0.1` with a port chosen by the OS.
   *
   * @param options Replies to serve; see {@link FakeModelOptions}.
   */
  static async start(options: FakeModelOptions = {}): Promise<FakeModel> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    return new FakeModel(server, options);
  }

  /** The `POST …/responses` requests, i.e. one per model call, in order of arrival. */
  get responseRequests(): RecordedRequest[] {
    return this.#requests.filter(isResponsesRequest);
  }

  /** Queues replies after those not served yet; they take precedence over the default reply. */
  enqueue(...replies: FakeReplySource[]): void {
    this.#replies.push(...replies);
  }

  /**
   * Resolves with the next `POST …/responses` request to arrive after this call, as soon as its
   * body has been read (before it is answered), e.g. to know that a `hang` stream has started.
   */
  nextResponseRequest(): Promise<RecordedRequest> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Resolves once every response stream open now has ended, because it finished, its client
   * disconnected or the model closed; e.g. to check that an interrupt dropped a `hang` stream.
   */
  async idle(): Promise<void> {
    await Promise.all(this.#openResponses);
  }

  /** Ends open streams (such as `hang` replies) and stops the server. Safe to call more than once. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      // close() alone would wait for keep-alive connections and never-ending streams.
      this.#server.closeAllConnections();
    });
    return this.#closing;
  }

  /** Same as {@link FakeModel.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: RecordedRequest = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      headers: req.headers,
      body: await readBody(req),
    };
    this.#requests.push(request);
    if (isResponsesRequest(request)) {
      // Numbers the response's ids; the request itself is already counted.
      const n = this.responseRequests.length;
      for (const resolve of this.#waiters.splice(0)) resolve(request);
      const source = this.#replies.shift() ?? this.#defaultReply;
      const reply = typeof source === "function" ? source(request) : source;
      await this.#reply(reply, request, n, res);
    } else if (request.method === "GET" && pathname(request).endsWith("/models")) {
      // The runtime reads its catalog from `models` (an empty one is valid) and OpenAI-compatible
      // clients from `data`; 0.169.0 was not seen calling this for a custom provider at all.
      sendJson(res, 200, {
        object: "list",
        data: [{ id: "mock-model", object: "model", created: 0, owned_by: "codex-app-sdk" }],
        models: [],
      });
    } else {
      sendJson(res, 404, errorBody(404, `no route for ${request.method} ${request.path}`, "not_found"));
    }
  }

  async #reply(reply: FakeReply, request: RecordedRequest, n: number, res: ServerResponse): Promise<void> {
    if (reply.type === "httpError") {
      const message = reply.message ?? STATUS_CODES[reply.status] ?? `HTTP ${reply.status}`;
      sendJson(res, reply.status, errorBody(reply.status, message, reply.code ?? null, reply.errorType));
      return;
    }
    const events = replyEvents(reply, request, n);
    const closed = new Promise<void>((resolve) => res.once("close", resolve));
    this.#openResponses.add(closed);
    void closed.then(() => this.#openResponses.delete(closed));

    res.writeHead(200, SSE_HEADERS);
    const delayMs = reply.type === "text" ? (reply.eventDelayMs ?? 0) : 0;
    for (const [index, event] of events.entries()) {
      if (index > 0 && delayMs > 0) await Promise.race([sleep(delayMs, undefined, { ref: false }), closed]);
      if (res.destroyed) return;
      res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    if (reply.type === "hang") await closed;
    else res.end();
  }
}

/**
 * The texts the user wrote, in order, across all user messages of a request's `input`. The context
 * the runtime adds as user text (AGENTS.md instructions, `<environment_context>`, the `<image>`
 * wrappers around local images) is left out.
 */
export function userTexts(request: RecordedRequest): string[] {
  return userMessageTexts(request).flat();
}

/** The `image_url` of every `input_image` in the user messages of a request's `input` (data URLs for local images). */
export function inputImageUrls(request: RecordedRequest): string[] {
  return userMessages(request).flatMap((message) =>
    contentParts(message).flatMap((part) =>
      part.type === "input_image" && typeof part.image_url === "string" ? [part.image_url] : [],
    ),
  );
}

/** The `function_call_output` items of a request's `input`, i.e. the results of earlier tool calls. */
export function functionCallOutputs(request: RecordedRequest): FunctionCallOutput[] {
  return inputItems(request).flatMap((item) =>
    item.type === "function_call_output" && typeof item.call_id === "string"
      ? [{ callId: item.call_id, output: typeof item.output === "string" ? item.output : JSON.stringify(item.output) }]
      : [],
  );
}

/** The SSE events of a streamed reply; `n` numbers the response, to give its ids. */
function replyEvents(
  reply: Exclude<FakeReply, { type: "httpError" }>,
  request: RecordedRequest,
  n: number,
): Array<Record<string, unknown>> {
  if (reply.type === "events") {
    // Checked before anything is written, so a bad script becomes a 500 instead of a broken stream.
    const untyped = reply.events.find((event) => typeof event.type !== "string");
    if (untyped) throw new TypeError(`fake model: event without a string "type": ${JSON.stringify(untyped)}`);
    return reply.events;
  }
  const responseId = `resp_${n}`;
  const created = { type: "response.created", response: { id: responseId } };
  const completed = (usage: FakeUsage | undefined) => ({
    type: "response.completed",
    response: { id: responseId, usage: usageBody(usage ?? DEFAULT_USAGE) },
  });
  const message = (status: string, content: unknown[], phase?: string) => ({
    type: "message",
    role: "assistant",
    id: `msg_${n}`,
    status,
    content,
    ...(phase === undefined ? {} : { phase }),
  });

  switch (reply.type) {
    case "updateGoal":
      return replyEvents({ type: "toolCall", name: "update_goal", arguments: { status: reply.status }, ...(reply.usage ? { usage: reply.usage } : {}) }, request, n);
    case "text": {
      const deltas = reply.deltas ?? splitIntoChunks(reply.text);
      const finalContent = [{ type: "output_text", text: reply.text, annotations: [] }];
      return [
        created,
        // The runtime forwards deltas only for an item it has already seen added.
        { type: "response.output_item.added", output_index: 0, item: message("in_progress", [], reply.phase) },
        ...deltas.map((delta) => ({
          type: "response.output_text.delta",
          item_id: `msg_${n}`,
          output_index: 0,
          content_index: 0,
          delta,
        })),
        { type: "response.output_item.done", output_index: 0, item: message("completed", finalContent, reply.phase) },
        completed(reply.usage),
      ];
    }
    case "toolCall":
      return [
        created,
        functionCallDone({ ...reply, name: reply.name ?? execToolName(request), callId: reply.callId ?? `call_${n}` }, 0, n),
        completed(reply.usage),
      ];
    case "toolCalls":
      return [
        created,
        ...reply.calls.map((call, index) => functionCallDone({ ...call, callId: call.callId ?? `call_${n}_${index}` }, index, n)),
        completed(reply.usage),
      ];
    case "failed":
      return [
        created,
        {
          type: "response.failed",
          response: { id: responseId, error: { code: reply.code ?? "server_error", message: reply.message } },
        },
      ];
    case "hang":
      return [created, { type: "response.output_item.added", output_index: 0, item: message("in_progress", []) }];
  }
}

/** The `response.output_item.done` event of one function call. */
function functionCallDone(call: FakeToolCall & { callId: string }, index: number, n: number): Record<string, unknown> {
  return {
    type: "response.output_item.done",
    output_index: index,
    item: {
      type: "function_call",
      id: index === 0 ? `fc_${n}` : `fc_${n}_${index}`,
      call_id: call.callId,
      name: call.name,
      ...(call.namespace === undefined ? {} : { namespace: call.namespace }),
      arguments: JSON.stringify(call.arguments),
      status: "completed",
    },
  };
}

function echoLastUserMessage(request: RecordedRequest): FakeReply {
  return { type: "text", text: `echo: ${userMessageTexts(request).at(-1)?.join("\n") ?? ""}` };
}

/** Text the runtime injects into user messages itself, recognised by how it starts. */
const RUNTIME_CONTEXT = /^(?:# AGENTS\.md instructions|<environment_context>|<user_instructions>|<image name=|<\/image>)/;

/** Per user message, its own texts; messages holding only runtime context are dropped. */
function userMessageTexts(request: RecordedRequest): string[][] {
  return userMessages(request)
    .map((message) =>
      contentParts(message).flatMap((part) =>
        part.type === "input_text" && typeof part.text === "string" && !RUNTIME_CONTEXT.test(part.text)
          ? [part.text]
          : [],
      ),
    )
    .filter((texts) => texts.length > 0);
}

function userMessages(request: RecordedRequest): Array<Record<string, unknown>> {
  return inputItems(request).filter((item) => item.role === "user");
}

function inputItems(request: RecordedRequest): Array<Record<string, unknown>> {
  return recordsIn(isRecord(request.body) ? request.body.input : undefined);
}

function contentParts(message: Record<string, unknown>): Array<Record<string, unknown>> {
  return recordsIn(message.content);
}

function execToolName(request: RecordedRequest): string {
  const tools = recordsIn(isRecord(request.body) ? request.body.tools : undefined);
  const offered = new Set(tools.map((tool) => tool.name));
  return EXEC_TOOL_NAMES.find((name) => offered.has(name)) ?? "exec_command";
}

function isResponsesRequest(request: RecordedRequest): boolean {
  return request.method === "POST" && pathname(request).endsWith("/responses");
}

function pathname(request: RecordedRequest): string {
  return new URL(request.path, "http://127.0.0.1").pathname;
}

/** Splits after each run of whitespace, so the chunks concatenate back to `text` exactly. */
function splitIntoChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function usageBody(usage: FakeUsage): Record<string, unknown> {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningOutputTokens ?? 0 },
    total_tokens: usage.totalTokens ?? usage.inputTokens + usage.outputTokens,
  };
}

function errorBody(status: number, message: string, code: string | null, type?: string): Record<string, unknown> {
  return { error: { message, type: type ?? (status >= 500 ? "server_error" : "invalid_request_error"), code } };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** A throwing reply function or a bad script answers 500 with the reason, instead of crashing the test process. */
function failRequest(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, 500, errorBody(500, error instanceof Error ? error.message : String(error), "fake_model_error"));
}

function recordsIn(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
