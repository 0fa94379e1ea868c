import type { Turn } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { notificationThreadId, notificationTurnId } from "../protocol/notification.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";

/** Where the router delivers one turn's notifications (a {@link TurnHandle}). */
export interface TurnSink {
  /** One notification of the turn, in arrival order; the last one is its `turn/completed`. */
  push(notification: Notification): void;
  /** The connection died; the turn will get nothing more. */
  fail(error: unknown): void;
  /** Decides this turn's approval requests instead of the client-wide handler. */
  readonly onApproval?: ApprovalHandler | undefined;
  /**
   * Also receives the `turn/started` of child turns whose `rootTurnId` is this turn: a review's
   * `turn/started` carries the reviewer's own turn id, and only `rootTurnId` names the review.
   */
  readonly childTurns?: boolean | undefined;
}

/** A `turn/start` that was sent and not yet answered. */
export interface PendingStart {
  readonly threadId: string;
  readonly onApproval: ApprovalHandler | undefined;
}

/**
 * Routes notifications to the turn they belong to, by turn id.
 *
 * The runtime may send a turn's first notifications before the `turn/start` response that tells us
 * its id. So a start is announced with {@link beginStart} before the request goes out, and while a
 * thread has a start in flight, notifications of unknown turns on that thread are held back; the
 * answered start then claims those of its own turn. Nothing is held for a thread with no start in
 * flight, and nothing stays registered after a turn completes or its consumer leaves.
 *
 * A thread can also be claimed as a whole ({@link claimThread}, for a goal): every notification on
 * it that names a turn no sink is registered for, and every `thread/goal/*` one, goes to its sink.
 * Turns the client started keep their own routes; notifications nobody claims still go to
 * `unclaimed` (and so to `codex.notifications()`).
 */
export class TurnRouter {
  readonly #turns = new Map<string, TurnSink>();
  /**
   * Each registered turn's thread, and, on a connection that resumes after a drop, the ids of the
   * items it was delivered completed: the only use of those ids is {@link missedNotifications},
   * and adding each to a set was a cost per streamed item on every other connection.
   */
  readonly #turnInfo = new Map<string, { threadId: string; completedItems: Set<string> | undefined }>();
  readonly #tracksCompletedItems: boolean;
  /** Threads whose turns go to one sink, whoever started them (a goal: the runtime starts its turns). */
  readonly #threads = new Map<string, TurnSink>();
  readonly #starts = new Map<string, Set<PendingStart>>();
  readonly #early = new Map<string, { threadId: string; notifications: Notification[] }>();
  readonly #activation = new Map<string, Array<(active: boolean) => void>>();
  readonly #childWaiters = new Map<string, Array<(childTurnId: string | null) => void>>();
  readonly #unclaimed: (notification: Notification) => void;

  /**
   * @param unclaimed receives every notification that belongs to no registered turn.
   * @param options.resumable the connection resumes after a drop (so {@link missedNotifications} is asked).
   */
  constructor(unclaimed: (notification: Notification) => void, options: { resumable: boolean }) {
    this.#unclaimed = unclaimed;
    this.#tracksCompletedItems = options.resumable;
  }

  /** Routing entries currently held (turns, claimed threads, starts in flight, held-back turns, interrupts waiting for a turn's next notification, waits for a child turn); 0 when idle. */
  get size(): number {
    return this.#turns.size + this.#threads.size + this.#starts.size + this.#early.size + this.#activation.size + this.#childWaiters.size;
  }

  dispatch(notification: Notification): void {
    const turnId = this.#routeOf(notification);
    const threadId = notificationThreadId(notification.params);
    if (turnId !== undefined) {
      this.#settleActivation(turnId, notification.method);
      const sink = this.#turns.get(turnId);
      if (sink) {
        if (notification.method === "turn/completed") this.#forgetTurn(turnId);
        if (this.#firstTime(turnId, notification)) sink.push(notification);
        return;
      }
    }
    const claim = threadId === undefined ? undefined : this.#threads.get(threadId);
    if (claim && (turnId !== undefined || notification.method.startsWith("thread/goal/"))) {
      claim.push(notification);
      return;
    }
    if (turnId !== undefined && threadId !== undefined && this.#starts.has(threadId)) {
      const held = this.#early.get(turnId) ?? { threadId, notifications: [] };
      held.notifications.push(notification);
      this.#early.set(turnId, held);
      return;
    }
    this.#unclaimed(notification);
  }

  /** Routes the thread's turns that have no route of their own, and its `thread/goal/*` notifications, to `sink`. */
  claimThread(threadId: string, sink: TurnSink): void {
    this.#threads.set(threadId, sink);
  }

  /** Ends a {@link claimThread} claim, if `sink` still holds it. */
  releaseThread(threadId: string, sink: TurnSink): void {
    if (this.#threads.get(threadId) === sink) this.#threads.delete(threadId);
  }

  /** True while the thread is claimed as a whole. */
  claims(threadId: string): boolean {
    return this.#threads.has(threadId);
  }

  /** Announces a `turn/start` about to be sent on `threadId`, with the turn's own approval handler. */
  beginStart(threadId: string, onApproval?: ApprovalHandler): PendingStart {
    const start: PendingStart = { threadId, onApproval };
    const starts = this.#starts.get(threadId) ?? new Set();
    starts.add(start);
    this.#starts.set(threadId, starts);
    return start;
  }

  /** The start was answered with `turnId`: `sink` gets the held-back and all later notifications. */
  register(start: PendingStart, turnId: string, sink: TurnSink): void {
    const held = this.#early.get(turnId);
    this.#early.delete(turnId);
    const completed = held?.notifications.some((notification) => notification.method === "turn/completed") ?? false;
    if (!completed) {
      this.#turns.set(turnId, sink);
      this.#turnInfo.set(turnId, { threadId: start.threadId, completedItems: this.#tracksCompletedItems ? new Set() : undefined });
    }
    for (const notification of held?.notifications ?? []) {
      if (!sink.childTurns && notificationTurnId(notification.params) !== turnId) this.#unclaimed(notification);
      else if (this.#firstTime(turnId, notification)) sink.push(notification);
    }
    this.endStart(start);
  }

  /**
   * False for an `item/completed` the turn was given already: after a reconnect an item may come
   * from the resume snapshot and then again live. Records the items it was given (on a resumable connection).
   */
  #firstTime(turnId: string, notification: Notification): boolean {
    if (!this.#tracksCompletedItems || notification.method !== "item/completed") return true;
    const completedItems = this.#turnInfo.get(turnId)?.completedItems;
    if (completedItems?.has(notification.params.item.id)) return false;
    completedItems?.add(notification.params.item.id);
    return true;
  }

  /** The start failed or was abandoned; release what it held. */
  endStart(start: PendingStart): void {
    const starts = this.#starts.get(start.threadId);
    if (!starts?.delete(start) || starts.size > 0) return;
    this.#starts.delete(start.threadId);
    for (const [turnId, held] of this.#early) {
      if (held.threadId !== start.threadId) continue;
      this.#early.delete(turnId);
      held.notifications.forEach(this.#unclaimed);
    }
  }

  /**
   * The approval handler a turn set for itself: by turn id, or, for a request that outruns the
   * `turn/start` answer, that of the start in flight on the thread.
   */
  approvalHandlerFor(threadId: string | undefined, turnId: string | undefined): ApprovalHandler | undefined {
    const sink = turnId === undefined ? undefined : this.#turns.get(turnId);
    if (sink) return sink.onApproval;
    const claim = threadId === undefined ? undefined : this.#threads.get(threadId);
    if (claim) return claim.onApproval;
    const starts = threadId === undefined ? undefined : this.#starts.get(threadId);
    return starts ? [...starts].find((start) => start.onApproval)?.onApproval : undefined;
  }

  /**
   * Resolves `true` once the runtime shows the turn running: at its next notification (or at once
   * when notifications of it are held back for a start in flight); `false` if that is its
   * `turn/completed` or the connection dies. The runtime answers `turn/start` before the turn is
   * active and refuses `turn/interrupt` until then ("no active turn to interrupt"); an interrupt
   * refused in that window is retried at this (see `interruptTurn`).
   */
  whenActive(turnId: string): Promise<boolean> {
    const held = this.#early.get(turnId)?.notifications ?? [];
    if (held.length > 0) return Promise.resolve(!held.some((notification) => notification.method === "turn/completed"));
    return new Promise((resolve) => {
      const waiters = this.#activation.get(turnId) ?? [];
      waiters.push(resolve);
      this.#activation.set(turnId, waiters);
    });
  }

  /** True while notifications of `turnId` go to a registered sink. */
  routes(turnId: string): boolean {
    return this.#turns.has(turnId);
  }

  /** The turn will get nothing more (its `turn/completed` was lost): its sink fails with `error`. */
  failTurn(turnId: string, error: unknown): void {
    const sink = this.#turns.get(turnId);
    this.#forgetTurn(turnId);
    this.#early.delete(turnId);
    this.#settleActivation(turnId, "turn/completed");
    sink?.fail(error);
  }

  /**
   * Resolves with the id of the next child turn started under `rootTurnId` (a review's reviewer
   * turn, the one `turn/interrupt` must name), or `null` once the root turn completes or the
   * connection dies. Keeps watching after the root's consumer left.
   */
  whenChildTurnStarted(rootTurnId: string): Promise<string | null> {
    return new Promise((resolve) => {
      const waiters = this.#childWaiters.get(rootTurnId) ?? [];
      waiters.push(resolve);
      this.#childWaiters.set(rootTurnId, waiters);
    });
  }

  /** Stops routing a turn whose consumer left early. */
  unregister(turnId: string, sink: TurnSink): void {
    if (this.#turns.get(turnId) === sink) this.#forgetTurn(turnId);
  }

  /** The threads that have a turn someone is still consuming, or are claimed (to resume after a reconnect). */
  openThreads(): string[] {
    return [...new Set([...[...this.#turnInfo.values()].map((info) => info.threadId), ...this.#threads.keys()])];
  }

  /**
   * The notifications a registered turn missed while the connection was down, from a snapshot of
   * it: `item/completed` for each item it completed that the turn was not given, then, when the
   * snapshot shows it ended, its `turn/completed`. Empty for a turn that is not registered.
   */
  missedNotifications(threadId: string, turn: Turn): Notification[] {
    const info = this.#turnInfo.get(turn.id);
    if (!info || info.threadId !== threadId) return [];
    const completedAtMs = (turn.completedAt ?? Date.now() / 1000) * 1000;
    const items: Notification[] = turn.items
      .filter((item) => !info.completedItems?.has(item.id))
      .map((item) => ({ method: "item/completed", params: { threadId, turnId: turn.id, item, completedAtMs } }));
    return turn.status === "inProgress" ? items : [...items, { method: "turn/completed", params: { threadId, turn } }];
  }

  #forgetTurn(turnId: string): void {
    this.#turns.delete(turnId);
    this.#turnInfo.delete(turnId);
  }

  /** The connection died: every registered turn fails with `error`, and all state is dropped. */
  failAll(error: unknown): void {
    const sinks = [...this.#turns.values(), ...this.#threads.values()];
    this.#turns.clear();
    this.#turnInfo.clear();
    this.#threads.clear();
    this.#starts.clear();
    this.#early.clear();
    for (const sink of sinks) sink.fail(error);
    const waiters = [...this.#activation.values()].flat();
    this.#activation.clear();
    for (const resolve of waiters) resolve(false);
    const childWaiters = [...this.#childWaiters.values()].flat();
    this.#childWaiters.clear();
    for (const resolve of childWaiters) resolve(null);
  }

  /**
   * The turn a notification goes to: its own, except a child turn's `turn/started` (see
   * {@link TurnSink.childTurns}), which goes to its root turn when that one takes child turns, or is
   * held under the root while a start is in flight on the thread (the start answer names the root).
   */
  #routeOf(notification: Notification): string | undefined {
    const turnId = notificationTurnId(notification.params);
    if (notification.method === "turn/completed" && turnId !== undefined) this.#settleChild(turnId, null);
    if (notification.method !== "turn/started" || turnId === undefined) return turnId;
    const root = notification.params.turn.rootTurnId;
    if (typeof root !== "string" || root === turnId) return turnId;
    this.#settleChild(root, turnId);
    if (this.#turns.has(turnId)) return turnId;
    const rootSink = this.#turns.get(root);
    if (rootSink) return rootSink.childTurns ? root : turnId;
    const threadId = notificationThreadId(notification.params);
    return threadId !== undefined && this.#starts.has(threadId) ? root : turnId;
  }

  #settleChild(rootTurnId: string, childTurnId: string | null): void {
    const waiters = this.#childWaiters.get(rootTurnId);
    if (!waiters) return;
    this.#childWaiters.delete(rootTurnId);
    for (const resolve of waiters) resolve(childTurnId);
  }

  #settleActivation(turnId: string, method: string): void {
    const waiters = this.#activation.get(turnId);
    if (!waiters) return;
    this.#activation.delete(turnId);
    for (const resolve of waiters) resolve(method !== "turn/completed");
  }
}
