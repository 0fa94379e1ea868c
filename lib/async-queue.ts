/**
 * An unbounded single-consumer queue that producers push into synchronously and one consumer
 * drains with `for await`. Pushing never blocks, so a slow consumer never stalls the producer
 * (the runtime reader): the cost is memory, bounded by what the producer sends.
 *
 * The queue ends in one of two ways: `end()` lets the consumer drain what is buffered and then
 * finish; `fail(error)` discards nothing but makes the consumer throw once the buffer is drained.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  #done = false;
  #error: { value: unknown } | undefined;
  #onReturn: (() => void) | undefined;

  /** @param onReturn called once when the consumer stops early (`break`, `return()`). */
  constructor(onReturn?: () => void) {
    this.#onReturn = onReturn;
  }

  /** How many items wait to be consumed. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True once `end()` or `fail()` was called. */
  get closed(): boolean {
    return this.#done;
  }

  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter.resolve({ value: item, done: false });
    } else {
      this.#items.push(item);
    }
  }

  /** Ends the queue after the buffered items. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#settleWaiter();
  }

  /** Ends the queue with an error, thrown to the consumer after the buffered items. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#done = true;
    this.#error = { value: error };
    this.#settleWaiter();
  }

  /** Fails the queue at once, dropping anything buffered (used for cancellation). */
  abort(error: unknown): void {
    this.#items = [];
    this.#head = 0;
    this.#done = false;
    this.fail(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head] as T;
      // Dropped at once: a consumed item must not outlive its turn (a 20 MB message, say) until
      // the next compaction.
      this.#items[this.#head] = undefined as T;
      this.#head += 1;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      // Compact occasionally instead of shift() on every read, which is O(n) on large buffers.
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#done) return this.#error ? Promise.reject(this.#error.value) : Promise.resolve({ value: undefined, done: true });
    if (this.#waiter) return Promise.reject(new Error("AsyncQueue supports one pending next() at a time"));
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.#items = [];
    this.#head = 0;
    if (!this.#done) {
      this.#done = true;
      this.#onReturn?.();
    }
    this.#settleWaiter();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #settleWaiter(): void {
    const waiter = this.#waiter;
    if (!waiter) return;
    this.#waiter = undefined;
    if (this.#error) waiter.reject(this.#error.value);
    else waiter.resolve({ value: undefined, done: true });
  }
}
