import { AsyncQueue } from "../async-queue.js";
import type { Notification } from "../protocol/notification.js";

/** The listeners of `codex.notifications()`: each gets every notification pushed while it listens. */
export class NotificationHub {
  /** Listeners, each with what detaches it (from this hub and from its signal). */
  readonly #listeners = new Map<AsyncQueue<Notification>, () => void>();

  /** A new listener, until `signal` aborts, the consumer leaves, or {@link endAll}. Nothing from before is replayed. */
  listen(signal: AbortSignal | undefined): AsyncIterable<Notification> {
    const detach = (): void => {
      this.#listeners.delete(queue);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      detach();
      queue.abort(signal?.reason);
    };
    const queue: AsyncQueue<Notification> = new AsyncQueue(detach);
    if (signal?.aborted) queue.fail(signal.reason);
    else {
      this.#listeners.set(queue, detach);
      signal?.addEventListener("abort", onAbort, { once: true });
    }
    return queue;
  }

  /** Delivers `notification` to every listener. */
  broadcast(notification: Notification): void {
    for (const listener of this.#listeners.keys()) listener.push(notification);
  }

  /**
   * Ends every listener. Detached too, not only ended: a listener ended here never calls
   * return(), and its abort listener would otherwise stay on a long-lived signal.
   */
  endAll(): void {
    for (const [listener, detach] of this.#listeners) {
      detach();
      listener.end();
    }
  }
}
