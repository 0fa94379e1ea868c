/**
 * A FIFO gate that lets at most `max` tasks run at once. The runtime answers -32001 (or nothing at
 * all) once its 128-message inbound queue is full, so the peer queues excess requests here instead.
 */
export class ConcurrencyLimit {
  readonly #max: number;
  #active = 0;
  #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.#max = max;
  }

  /**
   * Runs `start` now, or once a slot frees up. Returns `leave`, which must be called exactly once
   * when the task ends, whether or not it ever started: it frees the slot or drops the wait.
   */
  enter(start: () => void): () => void {
    let state: "waiting" | "running" | "left" = "waiting";
    const run = (): void => {
      state = "running";
      this.#active += 1;
      start();
    };
    if (this.#active < this.#max) run();
    else this.#waiting.push(run);
    return () => {
      if (state === "running") {
        this.#active -= 1;
        this.#waiting.shift()?.();
      } else if (state === "waiting") {
        this.#waiting.splice(this.#waiting.indexOf(run), 1);
      }
      state = "left";
    };
  }
}
