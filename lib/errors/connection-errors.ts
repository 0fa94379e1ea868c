/**
 * Errors of the connection to the runtime: no runtime to start, a connection closed or refused, a
 * request left unanswered, a message the SDK cannot use.
 *
 * @module
 */

import { stripAnsi, summarizeStderr } from "../runtime-stderr.js";
import { CodexError, type CodexErrorOptions } from "./codex-error.js";

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
