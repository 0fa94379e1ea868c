/**
 * Errors the runtime answered a request with: JSON-RPC error objects, by code and meaning.
 *
 * @module
 */

import { redactSecrets } from "../redact.js";
import { CodexError, type CodexErrorOptions } from "./codex-error.js";

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
