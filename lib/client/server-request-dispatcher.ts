import { type CodexError, JsonRpcError, ProtocolError } from "../errors.js";
import type { ServerRequest } from "../protocol/generated/index.js";
import { type Notification, notificationThreadId, notificationTurnId, type ServerRequestOutcome } from "../protocol/notification.js";
import type { IncomingRequest, RpcPeer } from "../rpc/peer.js";
import { APPROVAL_METHODS, type ApprovalHandler, type ApprovalMethod, type ApprovalRequest, approvalResponse, isApprovalDecision } from "./approvals.js";
import { REFUSALS, type ServerRequestHandlers, type ServerRequestMethod } from "./server-requests.js";

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
}

type Handled = { outcome: "handled"; response: unknown } | { outcome: Exclude<ServerRequestOutcome, "handled">; error: string };

/**
 * Answers the requests the runtime sends to the client, failing closed: whatever goes wrong (no
 * handler, a throw, an invalid answer, a timeout, the request resolved elsewhere), the runtime gets
 * a refusal of that request type, never an approval and never a malformed body. Handlers run
 * concurrently and are never awaited by the read loop, so one waiting for a human blocks nothing.
 */
export class ServerRequestDispatcher {
  readonly #options: ServerRequestDispatcherOptions;
  readonly #pending = new Map<string, { controller: AbortController; turnId: string | undefined }>();

  constructor(options: ServerRequestDispatcherOptions) {
    this.#options = options;
  }

  /** Registers an answer for every server request method the protocol defines. */
  attach(peer: RpcPeer): void {
    for (const method of Object.keys(REFUSALS) as ServerRequestMethod[]) {
      peer.setRequestHandler(method, (params, request) => this.#answer(method, params, request));
    }
  }

  /** Watches notifications for requests settled elsewhere: `serverRequest/resolved`, a finished turn. */
  observe(notification: Notification): void {
    if (notification.method === "serverRequest/resolved") {
      this.#pending.get(String(notification.params.requestId))?.controller.abort(new Error("The runtime resolved the request"));
    } else if (notification.method === "turn/completed") {
      for (const { controller, turnId } of this.#pending.values()) {
        if (turnId === notification.params.turn.id) controller.abort(new Error("The turn ended"));
      }
    }
  }

  /** The connection closed: every waiting handler's signal aborts. */
  close(reason: unknown): void {
    for (const { controller } of this.#pending.values()) controller.abort(reason);
  }

  async #answer(method: ServerRequestMethod, params: unknown, { id }: IncomingRequest): Promise<unknown> {
    const threadId = notificationThreadId(params) ?? null;
    const turnId = notificationTurnId(params) ?? null;
    const controller = new AbortController();
    const key = String(id);
    this.#pending.set(key, { controller, turnId: turnId ?? undefined });
    const request = { method, id, params } as ServerRequest;
    this.#options.emit({ method: "sdk/serverRequest", params: { threadId, turnId, request } });
    let handled: Handled;
    try {
      handled = await this.#run(request, controller.signal);
    } finally {
      this.#pending.delete(key);
      controller.abort(new Error("The request was answered"));
    }
    const refusal = REFUSALS[method];
    const response = handled.outcome === "handled" ? handled.response : refusal;
    const error = handled.outcome === "handled" ? null : handled.error;
    this.#options.emit({
      method: "sdk/serverRequest/answered",
      params: { threadId, turnId, requestId: id, requestMethod: method, outcome: handled.outcome, response, error },
    });
    if (response === null) throw new JsonRpcError(handled.outcome === "noHandler" ? -32601 : -32603, error ?? "refused", undefined, method);
    return response;
  }

  /** Finds and runs the handler, bounded by the timeout and the request's signal. */
  async #run(request: ServerRequest, signal: AbortSignal): Promise<Handled> {
    const call = this.#handlerCall(request, signal);
    if (!call) return { outcome: "noHandler", error: `no handler for ${request.method}; refused` };
    let timer: NodeJS.Timeout | undefined;
    let onAbort = (): void => {};
    const result = await new Promise<Handled>((resolve) => {
      timer = setTimeout(() => resolve({ outcome: "timedOut", error: `the ${request.method} handler did not answer within ${this.#options.timeoutMs} ms (serverRequestTimeoutMs); refused` }), this.#options.timeoutMs);
      onAbort = () => resolve({ outcome: "cancelled", error: `${String((signal.reason as Error)?.message ?? signal.reason)} before the handler answered` });
      signal.addEventListener("abort", onAbort, { once: true });
      call().then(
        (response) => resolve({ outcome: "handled", response }),
        (error: unknown) => {
          this.#options.onError(new ProtocolError(`The ${request.method} handler failed; the request was refused`, { method: request.method }, { cause: error }));
          resolve({ outcome: "failed", error: `the ${request.method} handler failed: ${error instanceof Error ? error.message : String(error)}; refused` });
        },
      );
    });
    clearTimeout(timer);
    signal.removeEventListener("abort", onAbort);
    return result;
  }

  /**
   * The handler for a request, as a call returning the wire response, or undefined when none is
   * registered. For approvals: the turn's `onApproval`, else the client's, else `onServerRequest`.
   */
  #handlerCall(request: ServerRequest, signal: AbortSignal): (() => Promise<unknown>) | undefined {
    const { method, params } = request;
    const context = { requestId: request.id, signal };
    if (Object.hasOwn(APPROVAL_METHODS, method)) {
      const onApproval =
        this.#options.turnApprovalHandler(notificationThreadId(params), notificationTurnId(params)) ?? this.#options.onApproval;
      if (onApproval) {
        const approval = { type: APPROVAL_METHODS[method as ApprovalMethod], ...params } as ApprovalRequest;
        return async () => {
          const decision: unknown = await onApproval(approval, { signal });
          if (!isApprovalDecision(decision)) throw new TypeError(`onApproval returned ${JSON.stringify(decision)}, not a decision`);
          return approvalResponse(approval, decision);
        };
      }
    }
    const handler = this.#options.handlers[method] as ((params: unknown, context: object) => unknown) | undefined;
    if (!handler) return undefined;
    return async () => {
      const response = await handler(params, context);
      if (response === null || typeof response !== "object") throw new TypeError(`the ${method} handler returned ${JSON.stringify(response)}, not a response object`);
      return response;
    };
  }
}
