import { raceAbort } from "../abort.js";
import { CodexError, ThreadOwnedElsewhereError } from "../errors.js";
import type { PoolMember } from "./pool-member.js";
import { ThreadPlacement } from "./thread-placement.js";

/**
 * Which member holds which thread, and the moves between them: placing new threads on the least
 * loaded healthy member, routing a thread's calls to its member, resuming a thread no member
 * holds (single-flight), and handing a draining member's threads over. `CodexPool` is the API on top.
 */
export class ThreadDirectory {
  /** The pool's members, in the order they were added. */
  readonly members: PoolMember[] = [];
  /** Every thread the pool has placed or is placing, by id. */
  readonly threads = new Map<string, ThreadPlacement>();
  readonly #failover: boolean;
  readonly #onError: (error: CodexError) => void;
  /** Drains in progress, so a second `drain()` of a member joins the first. */
  readonly #drains = new Map<PoolMember, Promise<void>>();

  constructor(failover: boolean, onError: (error: CodexError) => void) {
    this.#failover = failover;
    this.#onError = onError;
  }

  /** Hands a member's threads over once their calls and turns ended, then closes it and removes it; see `CodexPool.drain`. */
  drain(member: PoolMember): Promise<void> {
    let drained = this.#drains.get(member);
    if (drained) return drained;
    member.beginDrain();
    drained = (async () => {
      for (;;) {
        await member.whenUnreserved();
        const held = [...this.threads.values()].filter((placement) => placement.isOn(member));
        if (held.length === 0) break;
        await Promise.all(held.map((placement) => this.#move(placement, member)));
      }
      await member.close();
      this.members.splice(this.members.indexOf(member), 1);
    })().finally(() => this.#drains.delete(member));
    this.#drains.set(member, drained);
    return drained;
  }

  /** The least loaded healthy member, started, with a thread reserved on it. Members that fail to start are skipped. */
  async place(signal: AbortSignal | undefined): Promise<{ member: PoolMember; unreserve: () => void }> {
    const candidates = this.members
      .filter((member) => member.placeable)
      .sort((a, b) => a.turnsRunning - b.turnsRunning || a.threadLoad - b.threadLoad);
    let lastError: unknown = new CodexError(`CodexPool has no healthy member (${this.members.map((m) => `${m.id}: ${m.state}`).join(", ") || "none"})`);
    for (const member of candidates) {
      const unreserve = member.reserve();
      try {
        await member.ready(signal);
        return { member, unreserve };
      } catch (error) {
        unreserve();
        if (signal?.aborted) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }

  /** A member for a call that belongs to no thread: a running one if there is, else the least loaded. */
  async anyMember(signal: AbortSignal | undefined): Promise<PoolMember> {
    const running = this.members.find((member) => member.placeable && member.state === "up");
    if (running) return running;
    const { member, unreserve } = await this.place(signal);
    unreserve();
    return member;
  }

  /** The thread's placement, made (held by no member yet) when the pool has not seen the thread. */
  placementOf(threadId: string): ThreadPlacement {
    let placement = this.threads.get(threadId);
    if (!placement) {
      placement = new ThreadPlacement(threadId, {});
      this.threads.set(threadId, placement);
    }
    return placement;
  }

  /**
   * The member holding the thread, with the thread marked in use (a move waits until `done()`).
   * Waits for a move in progress, except with `inPlace` while the member still holds the thread
   * (the move waits for the thread's turns to end); a thread no member holds (its runtime died,
   * or the pool has not seen it) is resumed first, once however many calls wait for it.
   *
   * @param inPlace for a call that only reads or labels the thread, or stops its goal:
   *   waiting for the move could mean waiting for a turn that never ends by itself.
   */
  async route(threadId: string, signal: AbortSignal | undefined, inPlace = false): Promise<{ member: PoolMember; done: () => void }> {
    for (;;) {
      signal?.throwIfAborted();
      const placement = this.placementOf(threadId);
      if (placement.moving) {
        const held = inPlace ? placement.useInPlace() : undefined;
        if (held) return held;
        await raceAbort(placement.moving, signal);
        continue;
      }
      const member = placement.member;
      if (member) return { member, done: placement.use() };
      const resumed = this.#resume(placement);
      const settled: Promise<void> = resumed.then(
        () => {},
        () => {},
      ).then(() => {
        if (placement.moving === settled) placement.moving = undefined;
      });
      placement.moving = settled;
      await raceAbort(resumed, signal);
    }
  }

  /**
   * Resumes a thread no member holds: on the least loaded healthy member, or with failover off on
   * the member that held it, once restarted. A runtime refusing because another holds the thread
   * ("already has an active writer") sends it to that runtime when it is a member.
   */
  async #resume(placement: ThreadPlacement): Promise<void> {
    const { threadId, previous } = placement;
    if (placement.ephemeral) throw new CodexError(`Thread ${threadId} is ephemeral and was lost with its runtime (${previous?.id ?? "closed"}): ephemeral threads cannot move`);
    const waitForPrevious = !this.#failover && previous !== undefined && previous.inService && this.members.includes(previous);
    const { member, unreserve } = waitForPrevious ? { member: previous, unreserve: previous.reserve() } : await this.place(undefined);
    try {
      if (waitForPrevious) await member.ready();
      await member.codex.threadResume(threadId, placement.resumeOptions);
      placement.assign(member);
    } catch (error) {
      if (!ThreadOwnedElsewhereError.isActiveWriterRefusal(error)) throw error;
      // A runtime whose connection dropped (a remote member) keeps its threads until it unloads
      // them: the member that held the thread is the likely writer, once it is reconnected.
      if (previous && previous !== member && previous.inService && this.members.includes(previous)) await previous.ready().catch(() => {});
      const holder = await this.#holderOf(threadId, member);
      if (!holder) throw new ThreadOwnedElsewhereError(threadId, { cause: error });
      await holder.codex.threadResume(threadId, placement.resumeOptions);
      placement.assign(holder);
    } finally {
      unreserve();
    }
  }

  /** The member in service, other than `except`, whose runtime has the thread loaded. */
  async #holderOf(threadId: string, except: PoolMember): Promise<PoolMember | undefined> {
    const others = this.members.filter((member) => member !== except && member.inService);
    const loaded = await Promise.all(others.map((member) => member.hasLoaded(threadId).catch(() => false)));
    return others.find((_member, index) => loaded[index]);
  }

  /**
   * Hands a thread of a draining member over, once its calls and turns ended. Meanwhile calls that
   * start work on it wait for the move, and calls routed in place still go to `from`.
   */
  #move(placement: ThreadPlacement, from: PoolMember): Promise<void> {
    const before = placement.moving;
    const move = (async () => {
      await before;
      await placement.beginHandover();
      try {
        if (!placement.isOn(from)) return;
        try {
          await from.release(placement.threadId);
        } finally {
          // Even when the release failed: the member is closed next, which frees the lock anyway.
          placement.unassign();
        }
        // With nowhere to go, it is resumed at its next call, once a member was added.
        if (this.members.some((member) => member.placeable)) await this.#resume(placement);
      } finally {
        placement.endHandover();
      }
    })();
    const settled: Promise<void> = move.then(
      () => {},
      (error: unknown) => this.#onError(error instanceof CodexError ? error : new CodexError(`Moving thread ${placement.threadId} off ${from.id} failed`, { cause: error })),
    ).then(() => {
      if (placement.moving === settled) placement.moving = undefined;
    });
    placement.moving = settled;
    return settled;
  }

  /** A member's runtime died: its threads' locks are gone, and each is resumed at its next call. */
  memberDown(member: PoolMember): void {
    for (const placement of this.threads.values()) {
      if (!placement.isOn(member)) continue;
      placement.unassign();
      placement.previous = member;
    }
  }
}
