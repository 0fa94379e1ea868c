import type { ServerNotification } from "./generated/index.js";

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
 * `method` is then a string outside this union.
 */
export type Notification = ServerNotification;

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
