/**
 * The `logger` option: one entry per JSON-RPC message in and out, made by a {@link Transport}
 * decorator, so the peer and everything above it are unchanged and nothing is computed when no
 * logger is set (the decorator is not installed at all).
 *
 * @module
 */
import { redactSecrets } from "../redact.js";
import type { Transport } from "../transport/transport.js";

/** One JSON-RPC message, as the `logger` option sees it. */
export interface MessageLogEntry {
  /** `"out"`: sent to the runtime; `"in"`: received from it. */
  direction: "in" | "out";
  /** `"request"`, `"notification"`, or `"response"` (a result or an error reply). */
  kind: "request" | "notification" | "response";
  /** The method; for a response, that of the request it answers (when known). */
  method: string | undefined;
  /** The JSON-RPC id (requests and responses). */
  id: number | string | undefined;
  /** Size of the message as JSON, in bytes. */
  size: number;
  /** Responses: ms since the request they answer was sent or received. */
  durationMs: number | undefined;
  /** Responses: whether it is an error reply. */
  error: boolean;
  /** The message, with secrets (API keys, tokens, passwords) replaced by `"[REDACTED]"`. */
  message: unknown;
}

/** Receives every JSON-RPC message in and out; see {@link MessageLogEntry}. Must not throw. */
export type MessageLogger = (entry: MessageLogEntry) => void;

const SECRET_KEY = /^(api[_-]?key|access[_-]?token|refresh[_-]?token|id[_-]?token|token|secret|password|authorization|secretAccessKey|sessionToken)$/i;

/** A deep copy of `value` with secret-named fields and secret-looking strings redacted. */
export function redactMessage(value: unknown): unknown {
  if (typeof value === "string") return redactSecrets(value);
  if (Array.isArray(value)) return value.map(redactMessage);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, SECRET_KEY.test(key) && field !== null ? "[REDACTED]" : redactMessage(field)]));
}

/**
 * `transport`, with every message sent and received reported to `logger` first. A logger that
 * throws is reported to `onError` and never disturbs the connection.
 */
export function withMessageLog(transport: Transport, logger: MessageLogger, onError: (error: Error) => void): Transport {
  /** When each request still unanswered was seen, and its method, by direction and id. */
  const pending = { in: new Map<string, { method: string; at: number }>(), out: new Map<string, { method: string; at: number }>() };
  const log = (direction: "in" | "out", message: unknown): void => {
    try {
      logger(entryOf(direction, message, pending));
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const messages = (async function* () {
    for await (const message of transport.messages) {
      log("in", message);
      yield message;
    }
  })();
  return {
    start: () => transport.start(),
    send(message) {
      log("out", message);
      transport.send(message);
    },
    messages,
    close: () => transport.close(),
    get pid() {
      return transport.pid;
    },
  };
}

function entryOf(direction: "in" | "out", message: unknown, pending: Record<"in" | "out", Map<string, { method: string; at: number }>>): MessageLogEntry {
  const record = (message ?? {}) as { id?: number | string | null; method?: unknown; error?: unknown };
  const id = record.id ?? undefined;
  const size = Buffer.byteLength(JSON.stringify(message) ?? "");
  const base = { direction, id, size, message: redactMessage(message) };
  if (typeof record.method === "string") {
    if (id === undefined) return { ...base, kind: "notification", method: record.method, durationMs: undefined, error: false };
    pending[direction].set(String(id), { method: record.method, at: performance.now() });
    return { ...base, kind: "request", method: record.method, durationMs: undefined, error: false };
  }
  // A response answers a request that went the other way.
  const requests = pending[direction === "in" ? "out" : "in"];
  const request = id === undefined ? undefined : requests.get(String(id));
  if (id !== undefined) requests.delete(String(id));
  return { ...base, kind: "response", method: request?.method, durationMs: request ? performance.now() - request.at : undefined, error: record.error !== undefined };
}
