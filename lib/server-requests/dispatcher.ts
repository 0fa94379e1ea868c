import { type CodexError, JsonRpcError, ProtocolError } from "../errors.js";
import { redactSecrets } from "../redact.js";
import type { ServerRequest } from "../protocol/generated/index.js";
import type { DynamicToolCallParams } from "../protocol/generated/v2/index.js";
import { type Notification, notificationThreadId, notificationTurnId, type ServerRequestAnsweredEvent, type ServerRequestOutcome } from "../protocol/notification.js";
import { redactMessage } from "../rpc/message-log.js";
import type { IncomingRequest, RpcPeer } from "../rpc/peer.js";
import { APPROVAL_METHODS, type ApprovalHandler, type ApprovalMethod, approvalRequest, approvalResponse, isApprovalDecision } from "./approvals.js";
import { REFUSALS, type ServerRequestHandlers, type ServerRequestMethod } from "./handlers.js";

/** What the dispatcher needs from its connection. */
export interface ServerRequestDispatcherOptions {
  /** Client-wide handlers by method. */
  handlers: ServerRequestHandlers;
  /** Client-wide approval handler. */
  onApproval: ApprovalHandler | undefined;
  /** The approval handler a turn set for its own requests, if any. */
  turnApprovalHandler(threadId: string | undefined, turnId: string | undefined): ApprovalHandler | undefined;
  /** Longest a handler may take before the request is refused, in ms. */
  timeoutMs: number;
  /** Delivers the SDK's events about requests (into the turn's stream when it has one). */
  emit(notification: Notification): void;
  /** Receives handler failures. */
  onError(error: CodexError): void;
  /** Answers `item/tool/call` for threads with client-side tools, and for any thread without an `item/tool/call` handler. */
  toolCalls?: ToolCallAnswerer | undefined;
}

/** Runs client-side tools (lib/tools); its answers carry their own response, also when a call failed. */
export interface ToolCallAnswerer {
  handles(threadId: string | undefined): boolean;
  answer(params: DynamicToolCallParams, signal: AbortSignal): Promise<Handled>;
}

/** How a request was answered; without `response`, the refusal of its type is sent. */
type Handled = { outcome: ServerRequestOutcome; response?: unknown; error: string | null };

/**
 * Answers the requests the runtime sends to the client, failing closed: whatever goes wrong (no
 * handler, a throw, an invalid answer, a timeout, the request resolved elsewhere), the runtime gets
 * a refusal of that request type, never an approval and never a malformed body. Handlers run
 * concurrently and are never awaited by the read loop, so one waiting for a human blocks nothing.
 */
export class ServerRequestDispatcher {
  readonly #options: ServerRequestDispatcherOptions;
  /** Requests waiting for their handler, by request id: their turn, and what cancels them. */
  readonly #pending = new Map<string, { turnId: string | null; cancel(reason: unknown): void }>();
  /**
   * Every request's answer (decided or still being decided) by request id, until the runtime
   * resolves it or its turn ends. After a reconnect the runtime sends a pending request again with
   * the same id: it gets this answer, and its handler is not asked twice.
   */
  readonly #answers = new Map<string, { turnId: string | null; answer: Promise<unknown> }>();

  constructor(options: ServerRequestDispatcherOptions) {
    this.#options = options;
  }

  /** Registers an answer for every server request method the protocol defines. */
  attach(peer: RpcPeer): void {
    for (const method of Object.keys(REFUSALS) as ServerRequestMethod[]) {
      peer.setRequestHandler(method, (params, request) => this.#answerOnce(method, params, request));
    }
  }

  /**
   * Watches notifications for requests settled elsewhere: `serverRequest/resolved`, a finished
   * turn. Called before the notification is routed, so a cancelled request's answer shows in its
   * turn's stream before the turn ends.
   */
  observe(notification: Notification): void {
    if (notification.method === "serverRequest/resolved") {
      const key = String(notification.params.requestId);
      this.#pending.get(key)?.cancel(new Error("the runtime resolved the request"));
      this.#answers.delete(key);
    } else if (notification.method === "turn/completed") {
      const turnId = notification.params.turn.id;
      for (const pending of this.#pending.values()) {
        if (pending.turnId === turnId) pending.cancel(new Error("the turn ended"));
      }
      for (const [key, answered] of this.#answers) if (answered.turnId === turnId) this.#answers.delete(key);
    }
  }

  /** The connection closed: every waiting handler's signal aborts. */
  close(reason: unknown): void {
    for (const pending of this.#pending.values()) pending.cancel(reason);
    this.#answers.clear();
  }

  /** The answer to a request, decided once per request id however often the runtime sends it. */
  #answerOnce(method: ServerRequestMethod, params: unknown, request: IncomingRequest): Promise<unknown> {
    const key = String(request.id);
    const known = this.#answers.get(key);
    if (known) return known.answer;
    const answer = this.#answer(method, params, request);
    this.#answers.set(key, { turnId: notificationTurnId(params) ?? null, answer });
    return answer;
  }

  /**
   * Runs the handler, bounded by the timeout and by cancellation, and turns its outcome into the
   * reply. The first outcome wins; the handler's signal aborts as soon as its answer is moot.
   */
  async #answer(method: ServerRequestMethod, params: unknown, { id }: IncomingRequest): Promise<unknown> {
    const threadId = notificationThreadId(params) ?? null;
    const turnId = notificationTurnId(params) ?? null;
    const request = { method, id, params } as ServerRequest;
    const key = String(id);
    const controller = new AbortController();
    this.#options.emit({ method: "sdk/serverRequest", params: { threadId, turnId, request } });
    let timer: NodeJS.Timeout | undefined;
    const answer = await new Promise<ServerRequestAnsweredEvent["params"]>((resolve) => {
      const settle = (outcome: Handled): void => {
        if (!this.#pending.delete(key)) return;
        clearTimeout(timer);
        controller.abort(new Error("the request was answered"));
        const params = {
          threadId,
          turnId,
          requestId: id,
          requestMethod: method,
          outcome: outcome.outcome,
          response: outcome.response ?? REFUSALS[method],
          error: outcome.error,
        };
        // The event is seen by listeners and logs; the reply may carry tokens (account/chatgptAuthTokens/refresh).
        this.#options.emit({ method: "sdk/serverRequest/answered", params: { ...params, response: redactMessage(params.response) } });
        resolve(params);
      };
      this.#pending.set(key, {
        turnId,
        cancel: (reason) => {
          controller.abort(reason);
          settle({ outcome: "cancelled", error: `${reason instanceof Error ? reason.message : String(reason)} before the handler answered; refused` });
        },
      });
      const call = this.#handlerCall(request, controller.signal);
      if (!call) {
        settle({ outcome: "noHandler", error: `no handler for ${method}; refused` });
        return;
      }
      timer = setTimeout(() => settle({ outcome: "timedOut", error: `the ${method} handler did not answer within ${this.#options.timeoutMs} ms (serverRequestTimeoutMs); refused` }), this.#options.timeoutMs);
      call().then(
        settle,
        (error: unknown) => {
          if (!this.#pending.has(key)) return; // a handler giving up after cancellation is no failure
          this.#options.onError(new ProtocolError(`The ${method} handler failed; the request was refused`, { method }, { cause: error }));
          settle({ outcome: "failed", error: `the ${method} handler failed: ${redactSecrets(error instanceof Error ? error.message : String(error))}; refused` });
        },
      );
    });
    // A null refusal means the request type has no refusal in its response: reply with an error.
    if (answer.response === null) throw new JsonRpcError(answer.outcome === "noHandler" ? -32601 : -32603, answer.error ?? "refused", undefined, method);
    return answer.response;
  }

  /**
   * The handler for a request, as a call returning the wire response, or undefined when none is
   * registered. For approvals: the turn's `onApproval`, else the client's, else `onServerRequest`.
   */
  #handlerCall(request: ServerRequest, signal: AbortSignal): (() => Promise<Handled>) | undefined {
    const { method, params } = request;
    const context = { requestId: request.id, signal };
    const { toolCalls } = this.#options;
    if (method === "item/tool/call" && toolCalls && (toolCalls.handles(params.threadId) || !this.#options.handlers[method])) {
      return () => toolCalls.answer(params, signal);
    }
    if (Object.hasOwn(APPROVAL_METHODS, method)) {
      const onApproval =
        this.#options.turnApprovalHandler(notificationThreadId(params), notificationTurnId(params)) ?? this.#options.onApproval;
      if (onApproval) {
        const approval = approvalRequest(method as ApprovalMethod, params);
        return async () => {
          const decision: unknown = await onApproval(approval, { signal });
          if (!isApprovalDecision(decision)) throw new TypeError(`onApproval returned ${JSON.stringify(decision)}, not a decision`);
          return { outcome: "handled", response: approvalResponse(approval, decision), error: null };
        };
      }
    }
    const handler = this.#options.handlers[method] as ((params: unknown, context: object) => unknown) | undefined;
    if (!handler) return undefined;
    return async () => {
      const response = await handler(params, context);
      if (response === null || typeof response !== "object") throw new TypeError(`the ${method} handler returned ${JSON.stringify(response)}, not a response object`);
      return { outcome: "handled", response, error: null };
    };
  }
}
