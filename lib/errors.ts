/**
 * The SDK's error hierarchy. Every error it throws is a {@link CodexError}, so one `instanceof`
 * check catches them all, and each subclass narrows what went wrong:
 *
 * ```text
 * CodexError
 * ├── JsonRpcError                 the runtime answered a request with an error
 * │   ├── ParseError               -32700
 * │   ├── InvalidRequestError      -32600
 * │   │   └── ThreadNotFoundError  the runtime does not have the thread (not stored, not loaded)
 * │   ├── MethodNotFoundError      -32601
 * │   ├── InvalidParamsError       -32602
 * │   ├── InternalRpcError         -32603
 * │   └── ServerBusyError          -32001, or "server_overloaded" in data: retry later
 * │       └── RetryLimitExceededError
 * ├── TransportClosedError         the runtime exited or the connection closed
 * ├── AuthenticationError          a remote runtime refused the connection's credentials (401/403)
 * ├── RequestTimeoutError          no answer within requestTimeoutMs
 * ├── TurnTimeoutError             a turn passed turnIdleTimeoutMs or turnTimeoutMs and was interrupted
 * ├── ThreadBusyError              turn/start joined a turn this client did not start for that call
 * ├── CodexNotFoundError           no runtime binary to start
 * ├── ProtocolError                the runtime sent something the SDK cannot use
 * ├── InvalidArgumentError         a caller passed a bad argument; nothing was sent
 * ├── StructuredOutputError        the final response did not match the turn's output schema
 * ├── ThreadOwnedElsewhereError    a runtime outside the pool is the thread's writer
 * ├── TurnFailedError              a turn ended with status "failed" (from the turns module)
 * └── ToolCallError                a client-side tool call failed (to onError; from the tools module)
 * ```
 *
 * @module
 */

import { redactSecrets } from "./redact.js";
import { stripAnsi, summarizeStderr } from "./runtime-stderr.js";

/** Options accepted by every {@link CodexError} constructor. */
export interface CodexErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class CodexError extends Error {
  /** Always `"CodexError"`. */
  override name = "CodexError";
  constructor(message: string, options?: CodexErrorOptions) {
    super(message, options);
  }
}

/**
 * The runtime answered a request with a JSON-RPC error. {@link JsonRpcError.from} picks the most
 * specific subclass for the code, so `catch (e) { if (e instanceof InvalidParamsError) … }` works.
 */
export class JsonRpcError extends CodexError {
  /** Always `"JsonRpcError"`. */
  override name = "JsonRpcError";
  /** The JSON-RPC error code, e.g. -32600. */
  readonly code: number;
  /** The runtime's own message, unchanged. */
  readonly rpcMessage: string;
  /** The error's `data` member, if the runtime sent one. */
  readonly data: unknown;
  /** The request method that failed, when known. */
  readonly method: string | undefined;

  constructor(code: number, message: string, data?: unknown, method?: string, options?: CodexErrorOptions) {
    super(`${method ? `${method}: ` : ""}${message} (JSON-RPC error ${code})`, options);
    this.code = code;
    this.rpcMessage = message;
    this.data = data;
    this.method = method;
  }

  /**
   * Builds the most specific error class for a JSON-RPC error object.
   *
   * @example
   * ```ts
   * JsonRpcError.from({ code: -32001, message: "Server overloaded; retry later." }) instanceof ServerBusyError; // true
   * ```
   */
  static from(error: { code: number; message: string; data?: unknown }, method?: string): JsonRpcError {
    const { code, data } = error;
    // The runtime may quote what it was sent, e.g. a rejected API key; never pass that on.
    const message = redactSecrets(String(error.message));
    const retryLimit = /retry limit|too many failed attempts/i.test(message);
    if (retryLimit && (code === SERVER_BUSY_CODE || isOverloadData(data))) {
      return new RetryLimitExceededError(code, message, data, method);
    }
    if (code === SERVER_BUSY_CODE || isOverloadData(data)) return new ServerBusyError(code, message, data, method);
    if (code === INVALID_REQUEST_CODE && threadNotFound(message)) return new ThreadNotFoundError(code, message, data, method);
    const Class = CLASS_BY_CODE.get(code) ?? JsonRpcError;
    return new Class(code, message, data, method);
  }
}

/** -32700: the runtime could not parse what the SDK sent. */
export class ParseError extends JsonRpcError {
  /** Always `"ParseError"`. */
  override name = "ParseError";
}
/** -32600: the runtime rejected the request (also: unknown method, wrong parameter type, no active turn). */
export class InvalidRequestError extends JsonRpcError {
  /** Always `"InvalidRequestError"`. */
  override name = "InvalidRequestError";
}
/**
 * The runtime does not have the thread: it never stored it, it is not loaded in this runtime, or
 * the id is not a thread id. A subclass of {@link InvalidRequestError} (the runtime answers -32600),
 * so existing catches keep working; its message says what to do, `rpcMessage` keeps the runtime's words.
 *
 * @example
 * ```ts
 * try {
 *   await codex.threadResume(savedId);
 * } catch (error) {
 *   if (error instanceof ThreadNotFoundError) return codex.threadStart(); // nothing to continue
 *   throw error;
 * }
 * ```
 */
export class ThreadNotFoundError extends InvalidRequestError {
  /** Always `"ThreadNotFoundError"`. */
  override name = "ThreadNotFoundError";
  /** The thread id the runtime named, when it named one. */
  readonly threadId: string | undefined;

  constructor(code: number, message: string, data?: unknown, method?: string, options?: CodexErrorOptions) {
    super(code, message, data, method, options);
    const found = threadNotFound(message);
    this.threadId = found?.threadId;
    this.message = `${method ? `${method}: ` : ""}${found?.advice ?? message} (runtime: "${message}", JSON-RPC error ${code})`;
  }
}

/**
 * What the runtime's words for a missing thread mean, and what to do; `undefined` for any other
 * message. The messages are those of runtime 0.169.0.
 */
function threadNotFound(message: string): { threadId: string | undefined; advice: string } | undefined {
  const archived = /no archived rollout found for thread id (\S+)/.exec(message);
  if (archived) return { threadId: archived[1], advice: `thread ${archived[1]} is not archived (or was never stored), so there is nothing to unarchive` };
  const unstored = /no rollout found for thread id (\S+)/.exec(message);
  if (unstored) {
    const advice = `thread ${unstored[1]} is not stored in this CODEX_HOME: a thread that never ran a turn is not saved, and threads are stored per CODEX_HOME (check the codexHome option); start a new thread with threadStart()`;
    return { threadId: unstored[1], advice };
  }
  const unloaded = /thread not (?:found|loaded): (\S+)/.exec(message);
  if (unloaded) {
    const advice = `thread ${unloaded[1]} is not loaded in this runtime (the runtime restarted, e.g. after close(), or another runtime started the thread): resume it with codex.threadResume("${unloaded[1]}") and use the Thread it returns; a thread that never ran a turn cannot be resumed`;
    return { threadId: unloaded[1], advice };
  }
  if (/invalid session id/.test(message)) return { threadId: undefined, advice: "that is not a thread id: use the id of a Thread (thread.id), a UUID" };
  return undefined;
}

/** -32601: the runtime does not know the method. */
export class MethodNotFoundError extends JsonRpcError {
  /** Always `"MethodNotFoundError"`. */
  override name = "MethodNotFoundError";
}
/** -32602: the parameters were invalid. */
export class InvalidParamsError extends JsonRpcError {
  /** Always `"InvalidParamsError"`. */
  override name = "InvalidParamsError";
}
/** -32603: the runtime failed internally. */
export class InternalRpcError extends JsonRpcError {
  /** Always `"InternalRpcError"`. */
  override name = "InternalRpcError";
}
/** The runtime is overloaded (-32001 "Server overloaded; retry later."): retry with backoff. */
export class ServerBusyError extends JsonRpcError {
  /** Always `"ServerBusyError"`. */
  override name = "ServerBusyError";
}
/** The runtime gave up after its own retries on an overloaded upstream. */
export class RetryLimitExceededError extends ServerBusyError {
  /** Always `"RetryLimitExceededError"`. */
  override name = "RetryLimitExceededError";
}

/** The JSON-RPC code the runtime uses when its inbound queue is full. */
const SERVER_BUSY_CODE = -32001;
/** The JSON-RPC code of a rejected request, missing threads included. */
const INVALID_REQUEST_CODE = -32600;

const CLASS_BY_CODE = new Map<number, typeof JsonRpcError>([
  [-32700, ParseError],
  [-32600, InvalidRequestError],
  [-32601, MethodNotFoundError],
  [-32602, InvalidParamsError],
  [-32603, InternalRpcError],
]);

/** True when `data` says "server overloaded" anywhere in it, in either spelling the runtime uses. */
function isOverloadData(data: unknown): boolean {
  if (typeof data === "string") return /^server_?overloaded$/i.test(data);
  if (Array.isArray(data)) return data.some(isOverloadData);
  if (data !== null && typeof data === "object") {
    return Object.entries(data).some(([key, value]) => /^server_?overloaded$/i.test(key) || isOverloadData(value));
  }
  return false;
}

/**
 * True for errors worth retrying after a pause: the runtime said it is overloaded.
 * Everything else (bad parameters, unknown methods, a closed runtime) fails the same way again.
 */
export function isRetryableError(error: unknown): boolean {
  return error instanceof ServerBusyError || (error instanceof JsonRpcError && isOverloadData(error.data));
}

/** What is known about a closed runtime connection. */
export interface TransportClosedDetails {
  /** The runtime's exit code, or `null` when it was killed by a signal or has not exited. */
  exitCode: number | null;
  /** The signal that killed the runtime, if any, e.g. `"SIGKILL"`. */
  signal: string | null;
  /** The last lines the runtime wrote to stderr (secrets redacted), for diagnosis. */
  stderrTail: string;
  /** Why the connection closed, in words. */
  reason: string;
}

/** The runtime exited or its connection closed; pending and later calls on that connection fail with this. */
export class TransportClosedError extends CodexError {
  /** Always `"TransportClosedError"`. */
  override name = "TransportClosedError";
  /** The runtime's exit code, or `null` when it was killed by a signal or has not exited. */
  readonly exitCode: number | null;
  /** The signal that killed the runtime, if any. */
  readonly signal: string | null;
  /** The last lines the runtime wrote to stderr (secrets redacted, ANSI codes stripped), noise included, for diagnosis. */
  readonly stderrTail: string;

  /**
   * The message leads with what happened: the reason, the exit code or signal, and the runtime's
   * last real error from its stderr. Below it come the stderr lines without the warnings every
   * start logs (PATH aliases, bubblewrap) and without ANSI codes; `stderrTail` keeps all of them.
   */
  constructor(details: TransportClosedDetails, options?: CodexErrorOptions) {
    const exit = details.signal ? `signal ${details.signal}` : details.exitCode === null ? "" : `exit code ${details.exitCode}`;
    const stderrTail = stripAnsi(details.stderrTail);
    const { lastError, relevant } = summarizeStderr(stderrTail);
    const left = relevant === stderrTail.trim() ? "" : "; startup noise left out, all of it in error.stderrTail";
    const tail = relevant ? `\nstderr (last lines${left}):\n${relevant}` : stderrTail.trim() ? "\nstderr holds only startup warnings (see error.stderrTail)" : "";
    super(`Codex runtime connection closed: ${details.reason}${exit ? ` (${exit})` : ""}${lastError ? `: ${lastError}` : ""}${tail}`, options);
    this.exitCode = details.exitCode;
    this.signal = details.signal;
    this.stderrTail = stderrTail;
  }
}

/**
 * A remote runtime refused the WebSocket upgrade: HTTP 401 (no, a wrong, or an expired token or
 * JWT) or 403 (the runtime refuses any `Origin` header; the SDK sends none, so something between
 * added one). Names the URL and what the runtime said, never the token or secret. Not retried.
 */
export class AuthenticationError extends CodexError {
  /** Always `"AuthenticationError"`. */
  override name = "AuthenticationError";
  /** The runtime's URL, without credentials. */
  readonly url: string;
  /** The HTTP status of the refusal: 401 or 403. */
  readonly status: number;
  /** The runtime's reason, e.g. `"invalid websocket bearer token"` (empty for a 403). */
  readonly runtimeMessage: string;
  constructor(url: string, status: number, runtimeMessage: string) {
    const hint = status === 403 ? " (the runtime refuses any Origin header: is a proxy adding one?)" : "";
    super(`The runtime at ${url} refused the connection: HTTP ${status}${runtimeMessage ? ` "${runtimeMessage}"` : ""}${hint}`);
    this.url = url;
    this.status = status;
    this.runtimeMessage = runtimeMessage;
  }
}

/** A request got no answer within its timeout. The request may still run on the runtime. */
export class RequestTimeoutError extends CodexError {
  /** Always `"RequestTimeoutError"`. */
  override name = "RequestTimeoutError";
  /** The method of the request that got no answer. */
  readonly method: string;
  /** How long it waited, in ms. */
  readonly timeoutMs: number;
  constructor(method: string, timeoutMs: number) {
    super(`${method}: no response within ${timeoutMs} ms (requestTimeoutMs)`);
    this.method = method;
    this.timeoutMs = timeoutMs;
  }
}

/** Which limit a {@link TurnTimeoutError} reports: the idle watchdog or the wall-clock limit. */
export type TurnTimeoutLimit = "turnIdleTimeoutMs" | "turnTimeoutMs";

/**
 * A turn passed one of its time limits and the SDK interrupted it: it sent no notification for
 * `turnIdleTimeoutMs`, or it ran longer than `turnTimeoutMs` in all. {@link limit} says which.
 */
export class TurnTimeoutError extends CodexError {
  /** Always `"TurnTimeoutError"`. */
  override name = "TurnTimeoutError";
  /** The turn that was interrupted. */
  readonly turnId: string;
  /** The limit that fired: `"turnIdleTimeoutMs"` (silence) or `"turnTimeoutMs"` (total running time). */
  readonly limit: TurnTimeoutLimit;
  /** The value of that limit, in ms. */
  readonly timeoutMs: number;
  /**
   * The same as {@link timeoutMs}: how long the turn was silent for the idle limit, the total
   * limit for `turnTimeoutMs`.
   * @deprecated Read {@link timeoutMs} and {@link limit}; kept from when the idle watchdog was the only limit.
   */
  readonly idleMs: number;
  /** @param limit which limit fired; default `"turnIdleTimeoutMs"`, as before there were two. */
  constructor(turnId: string, timeoutMs: number, limit: TurnTimeoutLimit = "turnIdleTimeoutMs") {
    super(
      limit === "turnIdleTimeoutMs"
        ? `Turn ${turnId} sent nothing for ${timeoutMs} ms (turnIdleTimeoutMs); it was interrupted`
        : `Turn ${turnId} ran longer than ${timeoutMs} ms (turnTimeoutMs); it was interrupted`,
    );
    this.turnId = turnId;
    this.limit = limit;
    this.timeoutMs = timeoutMs;
    this.idleMs = timeoutMs;
  }
}

/**
 * The runtime answered a `turn/start` with a turn that was already running: one this client routes
 * already, or one it did not start (another client, or the runtime itself, e.g. for a goal). The
 * runtime joined the input into that turn; the SDK made no second handle for it. Add input to a
 * running turn with `turn.steer()`; the SDK itself queues its own turns on a thread in call order.
 */
export class ThreadBusyError extends CodexError {
  /** Always `"ThreadBusyError"`. */
  override name = "ThreadBusyError";
  /** The thread whose turn/start was joined. */
  readonly threadId: string;
  /** The turn running on it, whose id the runtime answered with. */
  readonly activeTurnId: string;
  constructor(threadId: string, activeTurnId: string) {
    super(`Thread ${threadId} is busy with turn ${activeTurnId}, which this call did not start: the runtime joined the input into it. Wait for that turn to complete, or steer it`);
    this.threadId = threadId;
    this.activeTurnId = activeTurnId;
  }
}

/** No Codex runtime binary could be found to start. */
export class CodexNotFoundError extends CodexError {
  /** Always `"CodexNotFoundError"`. */
  override name = "CodexNotFoundError";
  /** Every path that was tried, in order. */
  readonly triedPaths: readonly string[];
  constructor(message: string, triedPaths: readonly string[]) {
    super(`${message}\nTried:\n${triedPaths.map((path) => `  - ${path}`).join("\n") || "  (nothing)"}`);
    this.triedPaths = triedPaths;
  }
}

/**
 * The runtime sent something the SDK cannot use: a line that is not JSON, a response to no request,
 * or a message missing a field the SDK reads. `path` names the offending field when there is one.
 */
export class ProtocolError extends CodexError {
  /** Always `"ProtocolError"`. */
  override name = "ProtocolError";
  /** The method of the offending message, when known. */
  readonly method: string | undefined;
  /** Dotted path of the offending field, when known. */
  readonly path: string | undefined;
  constructor(message: string, details: { method?: string | undefined; path?: string | undefined } = {}, options?: CodexErrorOptions) {
    super(message, options);
    this.method = details.method;
    this.path = details.path;
  }
}

/** A turn's final response is not JSON, or not valid against the turn's `outputSchema`. */
export class StructuredOutputError extends CodexError {
  /** Always `"StructuredOutputError"`. */
  override name = "StructuredOutputError";
  /** The final response as the model wrote it. */
  readonly rawText: string;
  /** What did not match, by dotted path (empty when the text is not JSON at all). */
  readonly issues: ReadonlyArray<{
    /** Dotted path of the offending value; `""` for the whole answer. */
    path: string;
    /** What is wrong with it. */
    message: string;
  }>;
  constructor(message: string, rawText: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    super(message);
    this.rawText = rawText;
    this.issues = issues;
  }
}

/** A caller passed an argument the SDK cannot send. Nothing reached the runtime. */
export class InvalidArgumentError extends CodexError {
  /** Always `"InvalidArgumentError"`. */
  override name = "InvalidArgumentError";
  /** The argument that was wrong, e.g. `"options.sandbox"`. */
  readonly argument: string;
  constructor(argument: string, problem: string) {
    super(`${argument}: ${problem}`);
    this.argument = argument;
  }
}

/**
 * `CodexPool.threadResume` (or a failover) found the thread loaded by a runtime that is not a
 * member of the pool: the runtime answered "thread … already has an active writer". A thread has
 * one writer runtime at a time; resume it once that runtime unloaded it, or `threadFork` it.
 */
export class ThreadOwnedElsewhereError extends CodexError {
  /** Always `"ThreadOwnedElsewhereError"`. */
  override name = "ThreadOwnedElsewhereError";
  /** The thread that another runtime holds. */
  readonly threadId: string;
  constructor(threadId: string, options?: CodexErrorOptions) {
    super(`Thread ${threadId} is held by a runtime outside this pool (it already has an active writer); fork it, or resume it once that runtime unloaded it`, options);
    this.threadId = threadId;
  }

  /** Whether `error` is the runtime's refusal to resume a thread another runtime holds. */
  static isActiveWriterRefusal(error: unknown): boolean {
    return error instanceof InvalidRequestError && /already has an active writer/i.test(error.rpcMessage);
  }
}
