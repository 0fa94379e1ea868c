import { raceAbort } from "../abort.js";
import { AsyncCodex, sessionOf } from "../client/async-codex.js";
import type { AsyncCodexOptions } from "../client/options.js";
import { type CodexError, TransportClosedError } from "../errors.js";
import type { Notification } from "../protocol/notification.js";
import { ObjectSchema } from "../protocol/schemas.js";

/**
 * Where a pool member is in its life:
 * - `"idle"`: not started yet (members start on demand) or closed with the pool;
 * - `"starting"`: its runtime is starting;
 * - `"up"`: running; new threads may be placed on it;
 * - `"down"`: its runtime died or failed to start; a restart is scheduled;
 * - `"draining"`: `drain()` is handing its threads over; nothing new is placed on it;
 * - `"failed"`: it failed to start 8 times in a row; the pool no longer uses it.
 */
export type PoolMemberState = "idle" | "starting" | "up" | "down" | "draining" | "failed";

/** Restart backoff: the first restart after this many ms, doubling per failed start up to MAX_RESTART_DELAY_MS. */
const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 5000;
/** Consecutive failed starts after which a member is `"failed"`. */
const MAX_FAILED_STARTS = 8;

/** What a member tells its pool. */
export interface MemberEvents {
  /** Every notification of the member's runtime. */
  onNotification(notification: Notification): void;
  /** The member's runtime died (not closed by the pool): its threads' locks are gone. */
  onDown(member: PoolMember): void;
  /** Problems the pool survives: failed restarts. */
  onError(error: CodexError): void;
}

/**
 * One runtime of a pool: an {@link AsyncCodex} with its load counters, health and restarts. The
 * pool decides which threads it holds; the member only counts them.
 */
export class PoolMember {
  /** The member's name in `stats()`, `drain()` and `memberOf()`. */
  readonly id: string;
  readonly codex: AsyncCodex;
  /** Threads the pool placed here, by id. */
  readonly threads = new Set<string>();
  /** Threads being started, forked or resumed here, not yet placed. */
  #reserved = 0;
  #unreservedWaiters: Array<() => void> = [];
  turnsRunning = 0;
  turnsDone = 0;
  restarts = 0;
  readonly #events: MemberEvents;
  #state: PoolMemberState = "idle";
  /** The start in progress; resolves once the member is up. */
  #starting: Promise<void> | undefined;
  /** Settles when the member is next up (or failed): what a thread waiting for this member's restart awaits. */
  #up = deferred();
  #failedStarts = 0;
  /** Set when the runtime died or failed to start: the next successful start counts as a restart. */
  #restarting = false;
  /** Set by `beginDrain()`: never placed on or restarted again. */
  #retiring = false;
  #restartTimer: NodeJS.Timeout | undefined;
  /** The notification listener in use: replaced at each start after a close, so one pump runs at a time. */
  #pump: AsyncIterable<Notification> | undefined;
  /** Waiters for a thread's `thread/closed`, by thread id; also released when the runtime goes away. */
  readonly #closeWaiters = new Map<string, Array<() => void>>();

  constructor(id: string, options: AsyncCodexOptions, events: MemberEvents) {
    this.id = id;
    this.#events = events;
    this.codex = new AsyncCodex({
      ...options,
      onDisconnect: (error) => {
        options.onDisconnect?.(error);
        this.#died();
      },
    });
  }

  get state(): PoolMemberState {
    return this.#state;
  }

  /** Whether new threads may go here. */
  get placeable(): boolean {
    return !this.#retiring && (this.#state === "idle" || this.#state === "starting" || this.#state === "up");
  }

  /** Whether the threads it holds are still there (its runtime has not died). */
  get holding(): boolean {
    return this.#state === "starting" || this.#state === "up" || this.#state === "draining";
  }

  /** Threads held or about to be: the second key of "least loaded". */
  get threadLoad(): number {
    return this.threads.size + this.#reserved;
  }

  /** Whether the pool may still use it: not drained and not given up on. */
  get inService(): boolean {
    return !this.#retiring && this.#state !== "failed";
  }

  /** Counts a thread about to be placed here, for "least loaded"; the returned function ends that (once). */
  reserve(): () => void {
    this.#reserved += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#reserved -= 1;
      if (this.#reserved === 0) for (const resolve of this.#unreservedWaiters.splice(0)) resolve();
    };
  }

  /** Resolves once no thread is about to be placed here. */
  whenUnreserved(): Promise<void> {
    if (this.#reserved === 0) return Promise.resolve();
    return new Promise((resolve) => this.#unreservedWaiters.push(resolve));
  }

  /**
   * Resolves once the member is up, starting it if it is idle. A start that fails rejects (and
   * schedules a restart). A `"down"` member's promise waits for its restart.
   */
  ready(signal?: AbortSignal): Promise<void> {
    if (this.#state === "idle") this.#start();
    if (this.#state === "up") return Promise.resolve();
    if (this.#state === "starting" && this.#starting) return raceAbort(this.#starting, signal);
    return raceAbort(this.#up.promise, signal);
  }

  /**
   * Unsubscribes from a thread and waits until the runtime unloaded it (`thread/closed`, at once
   * with `thread_unload_delay_secs = 0`), so its writer lock is free for another runtime. Also
   * resolves when the runtime goes away, which frees every lock.
   */
  async release(threadId: string): Promise<void> {
    if (!this.holding) return;
    const closed = new Promise<void>((resolve) => {
      const waiters = this.#closeWaiters.get(threadId) ?? [];
      waiters.push(resolve);
      this.#closeWaiters.set(threadId, waiters);
    });
    const { status } = await sessionOf(this.codex).request<{ status: string }>("thread/unsubscribe", { threadId }, ObjectSchema);
    if (status === "notLoaded") this.#threadClosed(threadId);
    await closed;
  }

  /** Whether the runtime has the thread loaded (`thread/loaded/list`): it is the thread's writer. */
  async hasLoaded(threadId: string): Promise<boolean> {
    if (this.#state !== "up" && this.#state !== "draining") return false;
    const { data } = await sessionOf(this.codex).request<{ data: string[] }>("thread/loaded/list", {}, ObjectSchema);
    return Array.isArray(data) && data.includes(threadId);
  }

  /** Stops placing threads here and stops restarting it; the pool hands its threads over. */
  beginDrain(): void {
    clearTimeout(this.#restartTimer);
    this.#retiring = true;
    if (this.holding) this.#state = "draining";
  }

  /** Closes the runtime and forgets the member's load; it can be started again afterwards. */
  async close(): Promise<void> {
    clearTimeout(this.#restartTimer);
    this.#state = "idle";
    this.#pump = undefined;
    this.#starting = undefined;
    this.#failedStarts = 0;
    this.#restarting = false;
    this.#up.reject(new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "the pool was closed" }));
    this.#up = deferred();
    await this.codex.close();
    this.#releaseAll();
    this.threads.clear();
  }

  #start(): void {
    this.#state = "starting";
    this.#forwardNotifications();
    const starting = this.codex.start().then(
      () => {
        if (this.#starting !== starting) return;
        if (this.#restarting) this.restarts += 1;
        this.#restarting = false;
        this.#failedStarts = 0;
        this.#state = this.#retiring ? "draining" : "up";
        this.#up.resolve();
      },
      (error: CodexError) => {
        if (this.#starting === starting) this.#down(error);
        throw error;
      },
    );
    this.#starting = starting;
    // The caller of ready() sees the rejection; a restart nobody waits for must not be unhandled.
    starting.catch(() => {});
  }

  /** The runtime died under us (not a `close()`): its threads are gone, restart it. */
  #died(): void {
    if (!this.holding) return;
    this.#starting = undefined;
    this.#releaseAll();
    this.#up = deferred();
    this.#state = "down";
    this.#restarting = true;
    this.#events.onDown(this);
    if (!this.#retiring) this.#scheduleRestart();
  }

  #down(error: CodexError): void {
    this.#starting = undefined;
    this.#failedStarts += 1;
    this.#events.onError(error);
    if (this.#failedStarts >= MAX_FAILED_STARTS) {
      this.#state = "failed";
      this.#up.reject(error);
      return;
    }
    this.#state = "down";
    this.#restarting = true;
    if (!this.#retiring) this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const delay = Math.min(FIRST_RESTART_DELAY_MS * 2 ** this.#failedStarts, MAX_RESTART_DELAY_MS);
    clearTimeout(this.#restartTimer);
    // unref: a pending restart alone must not keep the host process alive.
    this.#restartTimer = setTimeout(() => this.#start(), delay).unref();
  }

  /** Forwards the runtime's notifications to the pool for as long as the client lives. */
  #forwardNotifications(): void {
    if (this.#pump) return;
    const notifications = this.codex.notifications();
    this.#pump = notifications;
    void (async () => {
      for await (const notification of notifications) {
        if (notification.method === "thread/closed") this.#threadClosed(notification.params.threadId);
        this.#events.onNotification(notification);
      }
    })();
  }

  #threadClosed(threadId: string): void {
    const waiters = this.#closeWaiters.get(threadId) ?? [];
    this.#closeWaiters.delete(threadId);
    for (const resolve of waiters) resolve();
  }

  #releaseAll(): void {
    for (const threadId of [...this.#closeWaiters.keys()]) this.#threadClosed(threadId);
  }
}

/** A promise with its settlers, which nobody may be waiting for when it rejects. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve = (): void => {};
  let reject = (_error: unknown): void => {};
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}
