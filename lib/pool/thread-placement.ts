import type { ThreadOptions } from "../threads/thread-options.js";
import type { PoolMember } from "./pool-member.js";

/**
 * Where one of the pool's threads lives. A thread is held by at most one member at a time (the
 * runtime's writer lock enforces it; the pool never asks a second member while one holds it), and
 * every call and turn of the thread goes to that member.
 */
export class ThreadPlacement {
  readonly threadId: string;
  /** Options to resume it with elsewhere: those it was started, resumed or forked with. */
  resumeOptions: ThreadOptions;
  /** Ephemeral threads are not persisted: they cannot move. */
  readonly ephemeral: boolean;
  #member: PoolMember | undefined;
  /** The member that held it when its runtime died: where it waits when failover is off. */
  previous: PoolMember | undefined;
  /**
   * A move or resume in progress. Calls that start work on the thread wait for it; others may go
   * to the member still holding the thread until the move begins handing it over ({@link useInPlace}).
   */
  moving: Promise<void> | undefined;
  /** Calls and turns on the thread in progress; a move waits until there are none. */
  #busy = 0;
  #idleWaiters: Array<() => void> = [];
  /** Set from when a move found the thread idle until it is over: every call waits for the move then. */
  #handingOver = false;

  constructor(threadId: string, resumeOptions: ThreadOptions, ephemeral = false) {
    this.threadId = threadId;
    this.resumeOptions = resumeOptions;
    this.ephemeral = ephemeral;
  }

  /** The member holding the thread, if one does and its runtime is alive. */
  get member(): PoolMember | undefined {
    return this.#member?.holding ? this.#member : undefined;
  }

  /** The thread is now on `member`; when that member's runtime died meanwhile, it is where the thread was. */
  assign(member: PoolMember): void {
    this.unassign();
    if (!member.holding) {
      this.previous = member;
      return;
    }
    this.#member = member;
    this.previous = undefined;
    member.threads.add(this.threadId);
  }

  unassign(): void {
    this.#member?.threads.delete(this.threadId);
    this.#member = undefined;
  }

  /** Whether `member` is the one that holds (or held, before its runtime died) the thread. */
  isOn(member: PoolMember): boolean {
    return this.#member === member;
  }

  /** Marks a call or turn in progress; the returned function ends it (once). */
  use(): () => void {
    this.#busy += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#busy -= 1;
      if (this.#busy === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
    };
  }

  /**
   * The member holding the thread, with a call marked in progress there (see {@link use}), unless
   * a move is handing the thread over: what a call that need not wait for a move in progress gets.
   */
  useInPlace(): { member: PoolMember; done: () => void } | undefined {
    const member = this.member;
    if (!member || this.#handingOver) return undefined;
    return { member, done: this.use() };
  }

  /**
   * Resolves once no call or turn of the thread is in progress, and from that moment on no call
   * goes to the member in place ({@link useInPlace}) until {@link endHandover}: a move hands the
   * thread over in between.
   */
  async beginHandover(): Promise<void> {
    // Rechecked on waking: a call may have come in place between the last call's end and now.
    while (this.#busy > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    this.#handingOver = true;
  }

  /** The move is over: the thread is on its new member, or on none. */
  endHandover(): void {
    this.#handingOver = false;
  }
}
