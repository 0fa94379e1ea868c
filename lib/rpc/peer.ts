import { createJSONRPCErrorResponse, type JSONRPCResponse, JSONRPCClient, JSONRPCServer, JSONRPCServerAndClient } from "json-rpc-2.0";
import { CodexError, JsonRpcError, ProtocolError, RequestTimeoutError, TransportClosedError } from "../errors.js";
import { checkSignal } from "../arguments.js";
import { redactedPreview } from "../redact.js";
import type { ErrorReporter, Transport } from "../transport/transport.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import type { TraceContext } from "./trace.js";

/** A notification from the runtime: a method and its params, nothing else guaranteed. */
export interface IncomingNotification {
  method: string;
  params?: unknown;
}

/** The id and method of a request the runtime sent. */
export interface IncomingRequest {
  id: number | string;
  method: string;
}

/**
 * Answers one kind of request the runtime sends to the client. Its result is the reply; a thrown
 * {@link JsonRpcError} becomes an error reply with that code, anything else a -32603 reply.
 */
export type RequestHandler = (params: unknown, request: IncomingRequest) => unknown;

/** Options of an {@link RpcPeer}. */
export interface RpcPeerOptions {
  /** Default time a request may wait for its answer, in ms. */
  requestTimeoutMs: number;
  /** Most requests sent and not yet answered; more wait their turn. */
  maxInFlightRequests: number;
  /** Called synchronously, in arrival order, for every notification. */
  onNotification(notification: IncomingNotification): void;
  /** Called once when the connection closes, after every pending request was rejected. */
  onClose(error: TransportClosedError): void;
  /** Receives problems the connection survives. */
  onError: ErrorReporter;
}

/** Per-call options of {@link RpcPeer.request}. */
export interface RequestOptions {
  /** Rejects the call with `signal.reason` when aborted. */
  signal?: AbortSignal | undefined;
  /** Overrides the peer's `requestTimeoutMs` for this call. */
  timeoutMs?: number | undefined;
  /** Sent as the request's `trace` field; checked by the caller (see `checkTraceContext`). */
  trace?: TraceContext | undefined;
}

/** What the client layer uses of a JSON-RPC connection: an {@link RpcPeer}, or one that reconnects. */
export interface RpcChannel {
  /** Sends a request and resolves with its result (see {@link RpcPeer.request}). */
  request(method: string, params: unknown, options?: RequestOptions): Promise<unknown>;
  /** Sends a notification. */
  notify(method: string, params?: unknown): void;
  /** Closes the connection; pending requests reject with {@link TransportClosedError}. */
  close(): Promise<void>;
  /** The error that closed the connection, once it is closed for good. */
  readonly closedError: TransportClosedError | undefined;
}

interface PendingRequest {
  reject(error: unknown): void;
}

/**
 * JSON-RPC 2.0 over a {@link Transport}, built on `json-rpc-2.0`'s `JSONRPCServerAndClient`.
 *
 * The read loop only dispatches: responses settle their request, notifications go to
 * `onNotification`, and server requests run their handler without being awaited, so a handler
 * that itself calls the runtime can never deadlock the loop.
 */
export class RpcPeer implements RpcChannel {
  readonly #transport: Transport;
  readonly #options: RpcPeerOptions;
  readonly #rpc: JSONRPCServerAndClient;
  readonly #limit: ConcurrencyLimit;
  readonly #pending = new Map<number, PendingRequest>();
  /** Why a request could not be sent (too large, connection closed), by id, for its caller. */
  readonly #sendErrors = new Map<number, unknown>();
  #nextId = 1;
  #closedError: TransportClosedError | undefined;
  #readLoop: Promise<void> | undefined;

  constructor(transport: Transport, options: RpcPeerOptions) {
    this.#transport = transport;
    this.#options = options;
    this.#limit = new ConcurrencyLimit(options.maxInFlightRequests);
    const errorListener = (message: string, data: unknown): void => options.onError(new ProtocolError(message, {}, { cause: data }));
    this.#rpc = new JSONRPCServerAndClient(
      new JSONRPCServer({ errorListener }),
      new JSONRPCClient((payload: object) => this.#send(payload)),
      { errorListener },
    );
  }

  /** Requests sent and not yet answered (for diagnostics and tests). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The error that closed the connection, once it is closed. */
  get closedError(): TransportClosedError | undefined {
    return this.#closedError;
  }

  /** Opens the transport and starts reading. */
  async start(): Promise<void> {
    await this.#transport.start();
    this.#readLoop = this.#read();
  }

  /**
   * Sends a request and resolves with its result. Rejects with a {@link JsonRpcError} subclass when
   * the runtime answers with an error, {@link RequestTimeoutError} after `timeoutMs`,
   * `signal.reason` on abort, or {@link TransportClosedError} when the connection closes first.
   */
  request(method: string, params: unknown, options: RequestOptions = {}): Promise<unknown> {
    const { signal, timeoutMs = this.#options.requestTimeoutMs, trace } = options;
    try {
      checkSignal(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closedError) return Promise.reject(this.#closedError);
    const id = this.#nextId++;
    let answered = false;
    let leave = (): void => {};
    let onAbort = (): void => {};
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<unknown>((resolve, reject) => {
      this.#pending.set(id, { reject });
      onAbort = () => reject(signal?.reason);
      signal?.addEventListener("abort", onAbort, { once: true });
      timer = setTimeout(() => reject(new RequestTimeoutError(method, timeoutMs)), timeoutMs);
      leave = this.#limit.enter(() => {
        const request = { jsonrpc: "2.0" as const, id, method, ...(params === undefined ? {} : { params }), ...(trace === undefined ? {} : { trace }) };
        this.#rpc.client.requestAdvanced(request).then((response) => {
          answered = true;
          const sendError = this.#sendErrors.get(id);
          this.#sendErrors.delete(id);
          if (sendError !== undefined) reject(sendError);
          else if (this.#closedError) reject(this.#closedError);
          else if (response.error) reject(JsonRpcError.from(response.error, method));
          else resolve(response.result);
        });
      });
    });
    return result.finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.#pending.delete(id);
      leave();
      // Settle the library's own bookkeeping for a request we gave up on, so nothing leaks.
      if (!answered) this.#rpc.client.receive({ jsonrpc: "2.0", id, error: { code: -32000, message: "abandoned by the client" } });
    });
  }

  /**
   * Sends a request the concurrency limit let through. The transport refuses once it is closing,
   * and a slot can free up before the read loop saw the close (the runtime answers its in-flight
   * requests after stdin closed): the peer counts as closed from then on, so this request and
   * every one still waiting get the same {@link TransportClosedError}, not a send failure. Any
   * other refusal (a message too large for the transport) is kept for that request's caller.
   */
  #send(payload: object): void {
    try {
      this.#transport.send(payload);
    } catch (error) {
      if (error instanceof TransportClosedError) this.#fail(error);
      const id = (payload as { id?: unknown }).id;
      if (typeof id === "number") this.#sendErrors.set(id, error);
      throw error;
    }
  }

  /** Rejects the pending request `id` with `error` (its answer was lost, say); no-op if none is pending. */
  rejectRequest(id: number, error: CodexError): void {
    this.#pending.get(id)?.reject(error);
  }

  /** Sends a notification. Throws {@link TransportClosedError} when closed. */
  notify(method: string, params?: unknown): void {
    if (this.#closedError) throw this.#closedError;
    this.#transport.send({ jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }) });
  }

  /**
   * Registers the answer to a request the runtime sends. Requests with no handler get a
   * -32601 "Method not found" reply, so the runtime never waits forever.
   */
  setRequestHandler(method: string, handler: RequestHandler): void {
    this.#rpc.addMethodAdvanced(method, async (request) => {
      const id = request.id ?? null;
      try {
        return { jsonrpc: "2.0", id, result: (await handler(request.params, { id: id ?? "", method })) ?? null };
      } catch (error) {
        if (error instanceof JsonRpcError) return createJSONRPCErrorResponse(id, error.code, error.rpcMessage, error.data);
        this.#options.onError(new ProtocolError(`The handler of the runtime's ${method} request failed`, { method }, { cause: error }));
        return createJSONRPCErrorResponse(id, -32603, error instanceof Error ? error.message : String(error));
      }
    });
  }

  /** Closes the transport; every pending request rejects with {@link TransportClosedError}. */
  async close(): Promise<void> {
    await this.#transport.close();
    await this.#readLoop;
  }

  async #read(): Promise<void> {
    try {
      const messages = this.#transport.messages[Symbol.asyncIterator]();
      // Not `for await`: its suspended frame would keep the last message (a 20 MB turn/completed,
      // say) alive until the next one arrives. Each result is dropped before waiting for the next.
      let next: IteratorResult<unknown> | undefined = await messages.next();
      while (!next.done) {
        this.#dispatch(next.value);
        next = undefined;
        next = await messages.next();
      }
      this.#fail(new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "the transport ended" }));
    } catch (error) {
      this.#fail(
        error instanceof TransportClosedError
          ? error
          : new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: String(error) }, { cause: error }),
      );
    }
  }

  #dispatch(message: unknown): void {
    if (message === null || typeof message !== "object" || Array.isArray(message)) {
      this.#options.onError(new ProtocolError(`The runtime sent a message that is not a JSON object: ${redactedPreview(JSON.stringify(message))}`));
      return;
    }
    const record = message as Record<string, unknown>;
    // The runtime omits "jsonrpc"; the library rejects messages without it.
    record.jsonrpc = "2.0";
    if (typeof record.method === "string") {
      if (record.id === undefined || record.id === null) this.#notify(record as unknown as IncomingNotification);
      else this.#answer(record);
    } else if (typeof record.id === "number" && this.#pending.has(record.id)) {
      this.#rpc.client.receive(record as unknown as JSONRPCResponse);
      // Once closed, late answers to the requests it rejected are expected, not a fault.
    } else if (!this.#closedError) {
      this.#options.onError(new ProtocolError(`The runtime sent a response to no pending request (id ${JSON.stringify(record.id)})`));
    }
  }

  /**
   * Runs the handler of a server request and sends its reply, without the read loop awaiting it.
   * Sending fails when the connection closed while the handler ran (onClose reports that) or when
   * the result cannot be encoded as JSON; neither may become an unhandled rejection, which would
   * crash the process.
   */
  #answer(request: Record<string, unknown>): void {
    this.#rpc.receiveAndSend(request).catch((error: unknown) => {
      if (error instanceof TransportClosedError) return;
      const method = String(request.method);
      this.#options.onError(new ProtocolError(`Could not send the reply to the runtime's ${method} request: ${String(error)}`, { method }, { cause: error }));
    });
  }

  #notify(notification: IncomingNotification): void {
    try {
      this.#options.onNotification(notification);
    } catch (error) {
      // A handler that trips over a malformed notification throws whatever it throws (a TypeError
      // reading a missing field, say); onError promises typed errors, so wrap anything untyped.
      if (error instanceof CodexError) this.#options.onError(error);
      else {
        const problem = error instanceof Error ? error.message : String(error);
        const method = notification.method;
        this.#options.onError(new ProtocolError(`Could not handle the runtime's ${method} notification: ${problem}`, { method }, { cause: error }));
      }
    }
  }

  #fail(error: TransportClosedError): void {
    if (this.#closedError) return;
    this.#closedError = error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#options.onClose(error);
  }
}
