import type { ServerNotification, ServerRequest } from "./generated/index.js";

/**
 * A notification from the runtime, discriminated on `method`, so narrowing works:
 *
 * @example
 * ```ts
 * for await (const n of turn) {
 *   if (n.method === "item/agentMessage/delta") process.stdout.write(n.params.delta);
 * }
 * ```
 *
 * Methods newer than the pinned runtime's protocol pass through untouched at run time; their
 * `method` is then a string outside this union. Methods starting with `sdk/` are the SDK's own
 * events (server requests and how they were answered, a remote connection dropping and resuming),
 * never sent by the runtime.
 */
export type Notification = ServerNotification | ServerRequestEvent | ServerRequestAnsweredEvent | ConnectionDroppedEvent | ConnectionResumedEvent;

/** The method names of {@link Notification}. */
export type NotificationMethod = Notification["method"];

/** The turn a notification belongs to: `params.turnId`, or `params.turn.id` on `turn/started|completed`. */
export function notificationTurnId(params: unknown): string | undefined {
  if (params === null || typeof params !== "object") return undefined;
  const { turnId, turn } = params as { turnId?: unknown; turn?: { id?: unknown } | null };
  if (typeof turnId === "string") return turnId;
  if (turn !== null && typeof turn === "object" && typeof turn.id === "string") return turn.id;
  return undefined;
}

/** The thread a notification belongs to, if it names one. */
export function notificationThreadId(params: unknown): string | undefined {
  if (params === null || typeof params !== "object") return undefined;
  const { threadId } = params as { threadId?: unknown };
  return typeof threadId === "string" ? threadId : undefined;
}

/** How the SDK answered a server request. */
export type ServerRequestOutcome =
  /** A handler answered. */
  | "handled"
  /** No handler was registered: refused. */
  | "noHandler"
  /** The handler threw or returned something invalid: refused. */
  | "failed"
  /** The handler took longer than `serverRequestTimeoutMs`: refused. */
  | "timedOut"
  /** The runtime resolved the request another way, or the turn ended, first: refused. */
  | "cancelled";

/**
 * SDK event in a turn's stream: the runtime asked the client something. Emitted as the request
 * arrives, before any handler runs, so a UI can show it.
 */
export interface ServerRequestEvent {
  /** Always `"sdk/serverRequest"`. */
  method: "sdk/serverRequest";
  /** Where the request belongs, and the request itself. */
  params: {
    /** The thread it concerns, if any. */
    threadId: string | null;
    /** The turn it concerns, if any. */
    turnId: string | null;
    /** The request as the runtime sent it (`id`, `method`, `params`). */
    request: ServerRequest;
  };
}

/** SDK event in a turn's stream: how a server request was answered (`response` is what was sent). */
export interface ServerRequestAnsweredEvent {
  /** Always `"sdk/serverRequest/answered"`. */
  method: "sdk/serverRequest/answered";
  /** Which request was answered, and how. */
  params: {
    /** The thread it concerned, if any. */
    threadId: string | null;
    /** The turn it concerned, if any. */
    turnId: string | null;
    /** The runtime's id of the request. */
    requestId: number | string;
    /** The request's method. */
    requestMethod: ServerRequest["method"];
    /** Who answered, or why it was refused. */
    outcome: ServerRequestOutcome;
    /** The response sent, or `null` when an error reply was sent. */
    response: unknown;
    /** Why the request was refused, for every outcome but `"handled"`. */
    error: string | null;
  };
}

/**
 * SDK event on `codex.notifications()`: the connection to a remote runtime with `reconnect` dropped,
 * and the SDK is reconnecting. Streaming events until {@link ConnectionResumedEvent} are lost.
 */
export interface ConnectionDroppedEvent {
  /** Always `"sdk/connection/dropped"`. */
  method: "sdk/connection/dropped";
  /** Why it dropped. */
  params: {
    /** The drop, in words (the `TransportClosedError`'s message). */
    reason: string;
  };
}

/** SDK event on `codex.notifications()`: reconnected after a drop, and the threads with open turns resumed. */
export interface ConnectionResumedEvent {
  /** Always `"sdk/connection/resumed"`. */
  method: "sdk/connection/resumed";
  /** What was resumed. */
  params: {
    /** The threads resumed because they had open turns. */
    resumedThreads: string[];
    /** Attempts it took. */
    attempts: number;
  };
}
