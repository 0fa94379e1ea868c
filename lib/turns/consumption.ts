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

/** The result of an ended loop; frozen, since every caller gets this one object. */
const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The one-pass life of a streamed handle (a turn's or a goal's): iterated once, then `run()`
 * returns what the loop collected, rethrows what ended it, or says why there is no result.
 *
 * The iterator is written out rather than as an async generator: a generator's `for await` and
 * `yield` cost three promises and a suspension per notification, a tenth of the SDK's CPU per
 * streamed notification; this costs one `then`. It keeps a generator's behaviour: a `next()` made
 * while one is pending waits for it, an `observe` that throws ends the loop and releases the
 * source, and an ended loop only says done.
 */
export class Consumption {
  readonly #labels: ConsumptionLabels;
  #state: "fresh" | "iterating" | "completed" | "left" = "fresh";
  #failure: { error: unknown } | undefined;
  #source: AsyncIterator<Notification> | undefined;
  #observe: (notification: Notification) => void = () => {};
  /** `next()` calls not settled yet, and the last one's promise, which a further call waits for. */
  #pending = 0;
  #last: Promise<IteratorResult<Notification>> = Promise.resolve(DONE);

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
    this.#source = source[Symbol.asyncIterator]();
    this.#observe = observe;
    return { next: () => this.#next(), return: () => this.#return() };
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

  #next(): Promise<IteratorResult<Notification>> {
    const waits = this.#pending > 0;
    this.#pending += 1;
    this.#last = waits ? this.#last.then(this.#pull, this.#pull) : this.#pull();
    return this.#last;
  }

  async #return(): Promise<IteratorResult<Notification>> {
    if (this.#state === "iterating") this.#state = "left";
    await this.#source?.return?.();
    return DONE;
  }

  // The callbacks below are fields, made once per handle rather than once per notification.
  readonly #pull = (): Promise<IteratorResult<Notification>> => {
    if (this.#state !== "iterating" || !this.#source) {
      this.#pending -= 1;
      return Promise.resolve(DONE);
    }
    return this.#source.next().then(this.#onResult, this.#onError);
  };

  readonly #onResult = (result: IteratorResult<Notification>): IteratorResult<Notification> => {
    this.#pending -= 1;
    if (result.done) {
      if (this.#state === "iterating") this.#state = "completed";
      return DONE;
    }
    try {
      this.#observe(result.value);
    } catch (error) {
      // As `for await` does when its body throws: release the source, and report the body's error, not the release's.
      this.#source?.return?.().catch(() => {});
      this.#fail(error);
    }
    return result;
  };

  readonly #onError = (error: unknown): never => {
    this.#pending -= 1;
    return this.#fail(error);
  };

  #fail(error: unknown): never {
    this.#failure = { error };
    if (this.#state === "iterating") this.#state = "left";
    throw error;
  }
}
