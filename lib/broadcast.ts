import { AsyncQueue } from "./async-queue.js";

/**
 * Live listeners of a stream of events, each an async iterable from the moment it subscribed until
 * its signal aborts, it `break`s, or the broadcast ends. Nothing is buffered for a listener that
 * does not exist yet; each listener buffers what it has not read.
 */
export class Broadcast<T> {
  /** Each listener, with what detaches it (from this broadcast and from its signal). */
  readonly #listeners = new Map<AsyncQueue<T>, () => void>();

  /** A new listener; an already aborted signal gives one that fails at once with its reason. */
  subscribe(signal: AbortSignal | undefined): AsyncIterable<T> {
    const detach = (): void => {
      this.#listeners.delete(queue);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      detach();
      queue.abort(signal?.reason);
    };
    const queue: AsyncQueue<T> = new AsyncQueue(detach);
    if (signal?.aborted) queue.fail(signal.reason);
    else {
      this.#listeners.set(queue, detach);
      signal?.addEventListener("abort", onAbort, { once: true });
    }
    return queue;
  }

  push(event: T): void {
    for (const listener of this.#listeners.keys()) listener.push(event);
  }

  /** Ends every listener after what it buffered. Detached too, not only ended: a listener ended here never calls return(), and its abort listener would otherwise stay on a long-lived signal. */
  endAll(): void {
    for (const [listener, detach] of this.#listeners) {
      detach();
      listener.end();
    }
  }
}
