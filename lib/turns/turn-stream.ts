import { AsyncQueue } from "../async-queue.js";
import { TurnTimeoutError } from "../errors.js";
import type { Notification } from "../protocol/notification.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import type { TurnSink } from "./turn-router.js";

/** How a {@link TurnStream} behaves. */
export interface TurnStreamOptions {
  /**
   * Called when the consumer stops before the turn completed (`break`, abort, watchdog), so the
   * router stops routing to this stream and the turn's remaining notifications go to
   * `codex.notifications()` instead of a buffer nobody reads.
   */
  onLeave(): void;
  /** The turn's own approval handler, if it has one. */
  onApproval?: ApprovalHandler | undefined;
  /**
   * Resolves `true` at the turn's next notification, `false` if that is its end (the router's
   * `whenActive`); asked only while the stream has seen nothing of the turn. Default: `true` at once.
   */
  whenActive?: (() => Promise<boolean>) | undefined;
}

/** The limits a handle puts on its turn: its `signal`, idle watchdog and wall-clock limit. */
export interface TurnLimits {
  signal?: AbortSignal | undefined;
  idleTimeoutMs?: number | undefined;
  timeoutMs?: number | undefined;
}

/**
 * The buffer between the router and one turn's consumer. Unbounded by design: the read loop never
 * waits for a slow consumer, so one stalled turn cannot stall others. A turn's notifications are
 * finite (they end with its `turn/completed`), so the buffer is bounded by the turn's own output.
 */
export class TurnStream implements TurnSink {
  readonly queue: AsyncQueue<Notification>;
  readonly onApproval: ApprovalHandler | undefined;
  readonly #onLeave: () => void;
  readonly #onFinish: Array<() => void> = [];
  readonly #whenActive: () => Promise<boolean>;
  #watchdog: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #seen = false;

  constructor(options: TurnStreamOptions) {
    this.#onLeave = options.onLeave;
    this.onApproval = options.onApproval;
    this.#whenActive = options.whenActive ?? (() => Promise.resolve(true));
    this.queue = new AsyncQueue(() => this.#leave());
  }

  /**
   * While the stream has seen nothing of the turn (it may not have started on the runtime yet):
   * a promise of its first sign of life, `true` when the runtime shows it running, `false` when it
   * ended. The router keeps watching after the consumer left. `undefined` once anything was seen.
   */
  activated(): Promise<boolean> | undefined {
    return this.#seen ? undefined : this.#whenActive();
  }

  /**
   * Calls `stop` with the reason once one of `limits` is hit before the stream finished: the
   * signal's reason, or a {@link TurnTimeoutError} for turn `turnId`.
   */
  stopOn(limits: TurnLimits, turnId: string, stop: (reason: unknown) => void): void {
    const { signal, idleTimeoutMs, timeoutMs } = limits;
    if (idleTimeoutMs !== undefined) this.watch(idleTimeoutMs, () => stop(new TurnTimeoutError(turnId, idleTimeoutMs, "turnIdleTimeoutMs")));
    if (timeoutMs !== undefined) this.expireAfter(timeoutMs, () => stop(new TurnTimeoutError(turnId, timeoutMs, "turnTimeoutMs")));
    if (!signal) return;
    const onAbort = (): void => stop(signal.reason);
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      this.onFinish(() => signal.removeEventListener("abort", onAbort));
    }
  }

  /** Calls `onIdle` once no notification has arrived for `idleTimeoutMs`, unless the stream finished first. */
  watch(idleTimeoutMs: number, onIdle: () => void): void {
    // unref: a watchdog alone must not keep the host process alive.
    this.#watchdog = setTimeout(onIdle, idleTimeoutMs).unref();
    this.onFinish(() => clearTimeout(this.#watchdog));
  }

  /** Calls `onExpiry` once `timeoutMs` have passed, notifications or not, unless the stream finished first. */
  expireAfter(timeoutMs: number, onExpiry: () => void): void {
    this.#deadline = setTimeout(onExpiry, timeoutMs).unref();
    this.onFinish(() => clearTimeout(this.#deadline));
  }

  push(notification: Notification): void {
    this.#watchdog?.refresh();
    this.#seen = true;
    this.queue.push(notification);
    if (notification.method === "turn/completed") {
      this.queue.end();
      this.#finish();
    }
  }

  fail(error: unknown): void {
    this.#seen = true;
    this.queue.fail(error);
    this.#finish();
  }

  /** Fails the stream at once, dropping what is buffered (cancellation). */
  abort(reason: unknown): void {
    this.queue.abort(reason);
    this.#leave();
  }

  /** Runs `callback` once when the stream completes, fails or is left. */
  onFinish(callback: () => void): void {
    this.#onFinish.push(callback);
  }

  #leave(): void {
    this.#onLeave();
    this.#finish();
  }

  #finish(): void {
    for (const callback of this.#onFinish.splice(0)) callback();
  }
}
