import type { Notification } from "../protocol/notification.js";
import { notificationThreadId, notificationTurnId } from "../protocol/notification.js";

/** A thread's place in its {@link TurnQueue}: held from the call until the turn is over on the runtime. */
export interface TurnSlot {
  /**
   * The runtime answered the start with `turnId`: the slot is freed at that turn's `turn/completed`
   * (at once if it already came), whether or not anyone still reads the turn.
   */
  started(turnId: string): void;
  /** Nothing runs for this slot (the start was refused, abandoned or joined another turn): frees it now. */
  release(): void;
}

interface Entry {
  turnId: string | undefined;
  /** Turns of the thread that completed while this entry's start was in flight (its id still unknown). */
  readonly completedEarly: Set<string>;
  /** Set while the entry waits; called when it reaches the head of the line. */
  grant: (() => void) | undefined;
  released: boolean;
}

/**
 * Runs the turns of each thread one after the other, in call order. The runtime joins a
 * `turn/start` on a busy thread into the running turn (same id, no `turn/started`), so a second
 * turn is sent only once the first one's `turn/completed` arrived: also when the first one's
 * consumer left with `break` or aborted, since the runtime runs it on until it completes.
 *
 * It also knows which turns run on each thread (seen `turn/started`, not yet `turn/completed`),
 * whoever started them, so a start answered with one of those ids is recognised as joined.
 */
export class TurnQueue {
  readonly #lines = new Map<string, Entry[]>();
  readonly #running = new Map<string, Set<string>>();

  /** Threads with a turn held or waiting (for diagnostics and tests). */
  get size(): number {
    return this.#lines.size;
  }

  /**
   * Resolves with the thread's slot once every earlier turn on it is over. Aborting `signal` while
   * waiting leaves the line (nothing was sent) and rejects with `signal.reason`.
   */
  acquire(threadId: string, signal?: AbortSignal): Promise<TurnSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const entry: Entry = { turnId: undefined, completedEarly: new Set(), grant: undefined, released: false };
    const slot: TurnSlot = {
      started: (turnId) => {
        entry.turnId = turnId;
        if (entry.completedEarly.has(turnId)) this.#release(threadId, entry);
        entry.completedEarly.clear();
      },
      release: () => this.#release(threadId, entry),
    };
    const line = this.#lines.get(threadId) ?? [];
    this.#lines.set(threadId, line);
    line.push(entry);
    if (line.length === 1) return Promise.resolve(slot);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.#release(threadId, entry);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      entry.grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(slot);
      };
    });
  }

  /** True while a turn of this client holds or waits for the thread, or any turn runs on it. */
  isBusy(threadId: string): boolean {
    return this.#lines.has(threadId) || this.#running.has(threadId);
  }

  /** The turns running on `threadId` as far as its notifications tell, whoever started them. */
  runningTurns(threadId: string): ReadonlySet<string> {
    return new Set(this.#running.get(threadId));
  }

  /** Follows every notification of the connection: `turn/started` and `turn/completed` move the lines. */
  observe(notification: Notification): void {
    if (notification.method !== "turn/started" && notification.method !== "turn/completed") return;
    const threadId = notificationThreadId(notification.params);
    const turnId = notificationTurnId(notification.params);
    if (threadId === undefined || turnId === undefined) return;
    const running = this.#running.get(threadId) ?? new Set();
    if (notification.method === "turn/started") {
      running.add(turnId);
      this.#running.set(threadId, running);
      return;
    }
    running.delete(turnId);
    if (running.size === 0) this.#running.delete(threadId);
    this.turnEnded(threadId, turnId);
  }

  /** The turn is over although its `turn/completed` never arrived (say, its line was too long to read). */
  turnEnded(threadId: string, turnId: string): void {
    this.#running.get(threadId)?.delete(turnId);
    const head = this.#lines.get(threadId)?.[0];
    if (!head) return;
    if (head.turnId === turnId) this.#release(threadId, head);
    else if (head.turnId === undefined) head.completedEarly.add(turnId);
  }

  /**
   * The connection died and with it every turn: each slot is freed and each waiting call goes on
   * (its start then fails on the closed connection).
   */
  closeAll(): void {
    const entries = [...this.#lines.values()].flat();
    this.#lines.clear();
    this.#running.clear();
    for (const entry of entries) {
      entry.released = true;
      entry.grant?.();
    }
  }

  #release(threadId: string, entry: Entry): void {
    if (entry.released) return;
    entry.released = true;
    const line = this.#lines.get(threadId);
    const index = line?.indexOf(entry) ?? -1;
    if (!line || index === -1) return;
    line.splice(index, 1);
    if (line.length === 0) this.#lines.delete(threadId);
    else if (index === 0) line[0]?.grant?.();
  }
}
