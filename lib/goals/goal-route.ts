import type { ThreadGoal, Turn } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { notificationTurnId } from "../protocol/notification.js";
import { GoalUpdatedSchema, TurnCompletedSchema, validate } from "../protocol/schemas.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import type { TurnSink } from "../turns/turn-router.js";
import type { TurnStream } from "../turns/turn-stream.js";

/** How the logical turn of a goal ended. */
export type GoalEnd = "completed" | "interrupted" | "failed";

/**
 * Follows one goal on its thread and presents it as one logical turn. It receives every
 * notification of the thread that names a turn (the runtime starts the goal's turns itself) and
 * every `thread/goal/*` one, and writes to `out`: the first `turn/started`, every turn-scoped
 * notification with its turn id replaced by the logical id (the first turn's), and one
 * `turn/completed` at the end. Intermediate `turn/started` and `turn/completed` are left out.
 *
 * The logical turn ends at a turn's `turn/completed` once the goal is no longer `active` (the
 * runtime sends the status change before that turn completes), or when that turn failed or was
 * interrupted; also between turns, if the goal stops then.
 */
export class GoalRoute implements TurnSink {
  readonly threadId: string;
  readonly onApproval: ApprovalHandler | undefined;
  /** The runtime's turn ids, in the order they started. */
  readonly turnIds: string[] = [];
  readonly #out: TurnStream;
  /** Notifications before the first turn started, passed on right after its `turn/started`. */
  #pending: Notification[] = [];
  #logicalId: string | undefined;
  #firstTurn: Turn | undefined;
  #firstStartedAt = 0;
  #lastTurn: Turn | undefined;
  #current: string | undefined;
  #goal: ThreadGoal | undefined;
  #cleared = false;
  #failed: Turn | undefined;
  #ended: GoalEnd | undefined;
  /** Set by interrupt() and abort: the goal was paused by the client, so the logical turn ends interrupted. */
  interrupting = false;
  readonly #started: Promise<string>;
  #resolveStarted: (turnId: string) => void = () => {};
  #rejectStarted: (error: unknown) => void = () => {};
  #onTurn: Array<(turnId: string | undefined) => void> = [];
  readonly #onEnd: Array<() => void> = [];
  /** Called for each turn that starts while the client is interrupting the goal. */
  onTurnWhileInterrupting: (turnId: string) => void = () => {};
  /** Called when a turn completed and the goal is still active: the runtime should start the next one. */
  onAwaitingContinuation: () => void = () => {};

  /** @param out where the logical stream goes; it buffers until the handle reads it. */
  constructor(threadId: string, out: TurnStream, onApproval: ApprovalHandler | undefined) {
    this.threadId = threadId;
    this.#out = out;
    this.onApproval = onApproval;
    this.#started = new Promise((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    // Observed by whoever awaits it; a route that fails before anyone waits must not be unhandled.
    this.#started.catch(() => undefined);
  }

  /** The logical turn id (the first turn's), once it started. */
  get logicalId(): string | undefined {
    return this.#logicalId;
  }

  /** The runtime's turn running now, if any. */
  get currentTurnId(): string | undefined {
    return this.#current;
  }

  /** The goal as last reported by the runtime. */
  get goal(): ThreadGoal | undefined {
    return this.#goal;
  }

  /** How the logical turn ended, once it did. */
  get ended(): GoalEnd | undefined {
    return this.#ended;
  }

  /** Resolves with the first turn's id once the runtime started it; rejects if the route fails first. */
  started(): Promise<string> {
    return this.#started;
  }

  /** Resolves at the next turn's start with its id, or with `undefined` if the logical turn ends first. */
  nextTurn(): Promise<string | undefined> {
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#onTurn.push(resolve));
  }

  /** Runs `callback` once the logical turn ended (or the route failed). */
  onEnd(callback: () => void): void {
    if (this.#ended) callback();
    else this.#onEnd.push(callback);
  }

  /** Records the goal as a request answered it (`thread/goal/set`), before its notification. */
  observeGoal(goal: ThreadGoal): void {
    this.#goal = goal;
  }

  push(notification: Notification): void {
    if (this.#ended) return;
    switch (notification.method) {
      case "thread/goal/updated":
        this.#goal = validate<{ goal: ThreadGoal }>(GoalUpdatedSchema, notification.params, "thread/goal/updated notification").goal;
        this.#emit(this.#withLogicalId(notification));
        this.endIfIdle();
        return;
      case "thread/goal/cleared":
        this.#cleared = true;
        this.#emit(notification);
        this.endIfIdle();
        return;
      case "turn/started":
        this.#turnStarted(notification);
        return;
      case "turn/completed":
        this.#turnCompleted(notification);
        return;
      default:
        this.#emit(this.#withLogicalId(notification));
    }
  }

  fail(error: unknown): void {
    this.#rejectStarted(error);
    if (this.#ended) return;
    this.#ended = "failed";
    this.#out.fail(error);
    this.#finish();
  }

  /** Ends the logical turn if no turn runs and the goal will start no other: stopped, cleared, or paused by the client. */
  endIfIdle(): void {
    if (this.#ended || this.#current !== undefined || this.#lastTurn === undefined) return;
    if (this.interrupting) this.#end("interrupted");
    else if (this.#goalStopped()) this.#end("completed");
  }

  #turnStarted(notification: Notification): void {
    const turnId = notificationTurnId(notification.params);
    if (turnId === undefined) return;
    this.#current = turnId;
    this.turnIds.push(turnId);
    for (const resolve of this.#onTurn.splice(0)) resolve(turnId);
    if (this.interrupting) this.onTurnWhileInterrupting(turnId);
    if (this.#logicalId !== undefined) return;
    this.#logicalId = turnId;
    this.#firstStartedAt = performance.now();
    this.#firstTurn = (notification.params as { turn: Turn }).turn;
    this.#emit(notification);
    const pending = this.#pending.splice(0);
    for (const early of pending) this.#emit(this.#withLogicalId(early));
    this.#resolveStarted(turnId);
  }

  #turnCompleted(notification: Notification): void {
    const { turn } = validate<{ turn: Turn }>(TurnCompletedSchema, notification.params, "turn/completed notification");
    if (turn.id !== this.#current && !this.turnIds.includes(turn.id)) return;
    this.#current = undefined;
    this.#lastTurn = turn;
    if (turn.status === "failed") {
      this.#failed = turn;
      this.#end("failed");
    } else if (turn.status === "interrupted" || this.interrupting) {
      this.#end("interrupted");
    } else if (this.#goalStopped()) {
      this.#end("completed");
    } else {
      this.onAwaitingContinuation();
    }
  }

  /** The goal was found cleared by asking the runtime, not by a notification. */
  observeCleared(): void {
    this.#cleared = true;
    this.endIfIdle();
  }

  #goalStopped(): boolean {
    return this.#cleared || (this.#goal !== undefined && this.#goal.status !== "active");
  }

  #end(end: GoalEnd): void {
    const last = this.#lastTurn;
    const first = this.#firstTurn ?? last;
    this.#ended = end;
    if (last && first && this.#logicalId !== undefined) {
      const turn: Turn = {
        ...last,
        id: this.#logicalId,
        status: end,
        error: this.#failed?.error ?? (end === "failed" ? last.error : null),
        startedAt: first.startedAt,
        completedAt: last.completedAt,
        // The SDK's own measure, from the first turn's start to the last one's end.
        durationMs: Math.round(performance.now() - this.#firstStartedAt),
      };
      this.#out.push({ method: "turn/completed", params: { threadId: this.threadId, turn } } as Notification);
    }
    this.#finish();
  }

  #finish(): void {
    for (const resolve of this.#onTurn.splice(0)) resolve(undefined);
    for (const callback of this.#onEnd.splice(0)) callback();
  }

  #emit(notification: Notification): void {
    if (this.#logicalId === undefined) this.#pending.push(notification);
    else this.#out.push(notification);
  }

  /** The notification with its turn id (`turnId`, or `turn.id`) replaced by the logical id. */
  #withLogicalId(notification: Notification): Notification {
    const logicalId = this.#logicalId;
    const params = notification.params as Record<string, unknown> | undefined;
    if (logicalId === undefined || params === undefined || params === null || typeof params !== "object") return notification;
    if ("turnId" in params) return { ...notification, params: { ...params, turnId: logicalId } } as Notification;
    const turn = params.turn;
    if (turn !== null && typeof turn === "object") return { ...notification, params: { ...params, turn: { ...turn, id: logicalId } } } as Notification;
    return notification;
  }
}
