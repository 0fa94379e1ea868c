import { CodexError } from "../errors.js";
import type { Notification } from "../protocol/notification.js";

/** How a {@link Consumption} names its handle in errors. */
export interface ConsumptionLabels {
  /** What the handle is, e.g. `"Turn 0193…"`. */
  readonly subject: string;
  /** The handle's class, e.g. `"TurnHandle"`. */
  readonly handle: string;
  /** What happens to the work after a loop left early, e.g. `"the SDK stopped following it"`. */
  readonly afterLeaving: string;
}

/**
 * The one-pass life of a streamed handle (a turn's or a goal's): iterated once, then `run()`
 * returns what the loop collected, rethrows what ended it, or says why there is no result.
 */
export class Consumption {
  readonly #labels: ConsumptionLabels;
  #state: "fresh" | "iterating" | "completed" | "left" = "fresh";
  #failure: { error: unknown } | undefined;

  constructor(labels: ConsumptionLabels) {
    this.#labels = labels;
  }

  /**
   * The iteration of `source`, handing each notification to `observe` before yielding it.
   * @throws {CodexError} if the handle was iterated already.
   */
  iterate(source: AsyncIterable<Notification>, observe: (notification: Notification) => void): AsyncIterator<Notification> {
    const { subject, handle } = this.#labels;
    if (this.#state !== "fresh") throw new CodexError(`${subject} was already consumed: iterate a ${handle} once (run() after the loop returns its result)`);
    this.#state = "iterating";
    return this.#follow(source, observe);
  }

  /**
   * For `run()`: drains `handle` when nobody iterated it, then returns once the loop ran to the end.
   * @throws the error that ended the loop; a {@link CodexError} while it runs or after it was left.
   */
  async finished(handle: AsyncIterable<Notification>): Promise<void> {
    const { subject, afterLeaving } = this.#labels;
    if (this.#state === "fresh") for await (const _ of handle);
    if (this.#state === "iterating") throw new CodexError(`${subject} is being iterated: call run() after the loop ended to get its result`);
    if (this.#failure) throw this.#failure.error;
    if (this.#state === "left") throw new CodexError(`${subject} was left before its end (break, or an exception in the loop body), so it has no result: ${afterLeaving}`);
  }

  async *#follow(source: AsyncIterable<Notification>, observe: (notification: Notification) => void): AsyncGenerator<Notification, void, undefined> {
    try {
      for await (const notification of source) {
        observe(notification);
        yield notification;
      }
      this.#state = "completed";
    } catch (error) {
      this.#failure = { error };
      throw error;
    } finally {
      if (this.#state === "iterating") this.#state = "left";
    }
  }
}
