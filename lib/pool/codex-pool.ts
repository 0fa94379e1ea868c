import { raceAbort } from "../abort.js";
import { describe } from "../arguments.js";
import { NotificationHub } from "../client/notification-hub.js";
import type { AsyncCodexOptions } from "../client/options.js";
import { CodexError, InvalidArgumentError, ThreadOwnedElsewhereError } from "../errors.js";
import type { ModelListResponse, ThreadListParams, ThreadListResponse } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { ApprovalMode } from "../server-requests/approval-mode.js";
import type { CallOptions } from "../session.js";
import { Thread } from "../threads/thread.js";
import { checkThreadId, type ThreadOptions, threadParams } from "../threads/thread-options.js";
import { PoolMember, type PoolMemberState } from "./pool-member.js";
import { type CodexPoolOptions, checkMemberOptions, resolvePoolOptions } from "./pool-options.js";
import { PoolSession } from "./pool-session.js";
import { ThreadDirectory } from "./thread-directory.js";
import { ThreadPlacement } from "./thread-placement.js";

/** One member in {@link CodexPool.stats}. */
export interface PoolMemberStats {
  /** The member's name, for `drain()`; `memberOf()` returns it too. */
  id: string;
  /** Where the member is in its life; see {@link PoolMemberState}. */
  state: PoolMemberState;
  /** Its runtime's pid, when it is a running local process. */
  pid: number | undefined;
  /** Threads it holds. */
  threads: number;
  /**
   * Turns running on it: those of `thread.turn()` and `thread.run()`, reviews (`thread.review()`),
   * and goals (`thread.startGoal()`, `runGoal()`). A goal counts as one turn from its start until its
   * handle ends, across every continuation turn the runtime starts for it, as its `GoalHandle`
   * presents it. What "least loaded" weighs first.
   */
  turnsRunning: number;
  /**
   * Turns that ended on it (completed, failed, interrupted, left with `break`, or cut off when its
   * runtime died), reviews and goals included; a goal counts once, however many turns it ran.
   */
  turnsDone: number;
  /** Times the pool restarted it after its runtime died or failed to start. */
  restarts: number;
}

/**
 * Many runtimes behind the thread-level API of `AsyncCodex`. Each thread lives on one member (a
 * thread has one writer runtime at a time), and every call and turn of it goes there; new threads
 * go to the least loaded healthy member (fewest running turns, then fewest threads). A member whose
 * runtime dies is restarted with backoff, and its threads continue on healthy members at their next
 * call (see `failover`). Lazy like `AsyncCodex`: nothing starts before the first awaited call, and
 * each member starts when it is first needed.
 *
 * @example
 * ```ts
 * await using pool = new CodexPool({ spawn: 2, codexHome, cwd });
 * const threads = await Promise.all([pool.threadStart(), pool.threadStart()]);
 * const results = await Promise.all(threads.map((thread) => thread.run("Say hi")));
 * pool.stats(); // [{ id: "member-1", threads: 1, … }, { id: "member-2", threads: 1, … }]
 * ```
 */
export class CodexPool implements AsyncDisposable {
  readonly #directory: ThreadDirectory;
  readonly #subscribers = new NotificationHub();
  readonly #template: AsyncCodexOptions | undefined;
  readonly #onError: (error: CodexError) => void;
  readonly #session: PoolSession;
  #nextMember = 1;

  /** @throws {InvalidArgumentError} for an invalid option, before anything is spawned. */
  constructor(options: CodexPoolOptions) {
    const resolved = resolvePoolOptions(options);
    this.#template = resolved.template;
    this.#onError = resolved.onError;
    this.#directory = new ThreadDirectory(resolved.failover, resolved.onError);
    for (const member of resolved.members) this.#addMember(member);
    this.#session = new PoolSession(this.#directory, this.#onError);
  }

  /** Starts every member now instead of on demand; waits for members being restarted too. */
  async start(options: CallOptions = {}): Promise<void> {
    await Promise.all(this.#directory.members.filter((member) => member.inService).map((member) => member.ready(options.signal)));
  }

  /**
   * Closes every member and waits until their processes are gone; open turns fail with
   * `TransportClosedError`. A later call starts members again, and a thread of before continues at
   * its next call (resumed with the options it was started with).
   */
  async close(): Promise<void> {
    for (const placement of this.#directory.threads.values()) placement.unassign();
    await Promise.all(this.#directory.members.map((member) => member.close()));
    this.#subscribers.endAll();
  }

  /** Same as {@link close}, for `await using pool = new CodexPool(…)`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Every member's notifications that belong to no turn handle, merged, as `AsyncCodex.notifications()`. */
  notifications(options: CallOptions = {}): AsyncIterable<Notification> {
    return this.#subscribers.listen(options.signal);
  }

  /** Lists the models (`model/list`), from any member. */
  async models(options: CallOptions & { includeHidden?: boolean } = {}): Promise<ModelListResponse> {
    return (await this.#directory.anyMember(options.signal)).codex.models(options);
  }

  /** Lists stored threads (`thread/list`); members sharing one `CODEX_HOME` all list the same threads. */
  async threadList(options: CallOptions & ThreadListParams = {}): Promise<ThreadListResponse> {
    return (await this.#directory.anyMember(options.signal)).codex.threadList(options);
  }

  /** Starts a new thread on the least loaded healthy member. Approval mode defaults to `ApprovalMode.autoReview`. */
  async threadStart(options: ThreadOptions = {}): Promise<Thread> {
    threadParams(options);
    const { signal: _signal, ephemeral, ...rest } = options;
    const resumeOptions = { ...rest, approvalMode: rest.approvalMode ?? ApprovalMode.autoReview };
    return this.#newThread(options.signal, (member) => member.codex.threadStart(options), resumeOptions, ephemeral === true);
  }

  /**
   * Copies a thread's history into a new thread, on the least loaded healthy member (forking needs
   * no writer lock). The fork gets its source's client-side tools unless `options.tools` is given.
   */
  async threadFork(threadId: string, options: ThreadOptions = {}): Promise<Thread> {
    checkThreadId(threadId);
    threadParams(options);
    // The member forking may not be the one that knows the source's tool implementations.
    const tools = options.tools ?? this.#directory.threads.get(threadId)?.resumeOptions.tools;
    const forkOptions = tools === undefined ? options : { ...options, tools };
    const { signal: _signal, ephemeral, ...resumeOptions } = forkOptions;
    return this.#newThread(options.signal, (member) => member.codex.threadFork(threadId, forkOptions), resumeOptions, ephemeral === true);
  }

  /**
   * Continues a thread: on the member that holds it, else on the least loaded healthy member. A
   * thread held by another member is routed there; one held by a runtime outside the pool rejects
   * with {@link ThreadOwnedElsewhereError}. A thread that a drain is moving resolves at once: the
   * move resumes it on its new member with these options.
   */
  async threadResume(threadId: string, options: ThreadOptions = {}): Promise<Thread> {
    checkThreadId(threadId);
    if (options.ephemeral !== undefined) throw new InvalidArgumentError("options.ephemeral", "applies to threadStart and threadFork only");
    threadParams(options);
    const { signal, ...resumeOptions } = options;
    const known = this.#directory.threads.get(threadId);
    const placement = known ?? this.#directory.placementOf(threadId);
    placement.resumeOptions = { ...placement.resumeOptions, ...resumeOptions };
    // Waiting for the move would mean waiting for the thread's turns, which may not end by themselves.
    if (placement.moving && placement.member) return new Thread(this.#session, threadId);
    const held = placement.member !== undefined && placement.moving === undefined;
    try {
      const { member, done } = await this.#directory.route(threadId, signal);
      try {
        // Routing resumed a thread no member held; one already held is resumed again where it is, for the options.
        if (held) await member.codex.threadResume(threadId, options);
      } finally {
        done();
      }
    } catch (error) {
      if (!known && !placement.member && this.#directory.threads.get(threadId) === placement) this.#directory.threads.delete(threadId);
      throw error;
    }
    return new Thread(this.#session, threadId);
  }

  /** Archives a thread, on the member that holds it if one does. */
  async threadArchive(threadId: string, options: CallOptions = {}): Promise<void> {
    checkThreadId(threadId);
    const placement = this.#directory.threads.get(threadId);
    if (!placement?.member && !placement?.moving) {
      await (await this.#directory.anyMember(options.signal)).codex.threadArchive(threadId, options);
      // A thread whose member died is not resumed for its next call any more: it is archived.
      if (placement) this.#directory.threads.delete(threadId);
      return;
    }
    const { member, done } = await this.#directory.route(threadId, options.signal);
    try {
      await member.codex.threadArchive(threadId, options);
      placement.unassign();
      this.#directory.threads.delete(threadId);
    } finally {
      done();
    }
  }

  /** Restores an archived thread; it is resumed on a member at its first call. */
  async threadUnarchive(threadId: string, options: CallOptions = {}): Promise<Thread> {
    checkThreadId(threadId);
    await (await this.#directory.anyMember(options.signal)).codex.threadUnarchive(threadId, options);
    return new Thread(this.#session, threadId);
  }

  /**
   * Retires a member: nothing new is placed on it; each of its threads, once its calls and turns
   * (reviews and goals included) ended, is unsubscribed there, unloaded (which frees its writer
   * lock) and resumed on another member; then the member is closed and leaves the pool.
   *
   * Until a thread's turns ended, what belongs to them or only reads the thread is answered at
   * once by the member still holding it: `steer()` and `interrupt()` of its turn, goal and review
   * handles, `read()`, `turns()`, `items()`, `getGoal()`, `setName()`, `updateMetadata()`,
   * `setGoal()` with a status other than `"active"` (pausing a goal), and `threadResume()`. So
   * interrupting a turn that hangs lets the drain go on. Calls that start work on the thread (a
   * turn, goal or review, compaction, an active goal) or change its history or settings wait for
   * the move and run on the member it went to.
   *
   * @example
   * ```ts
   * const drained = pool.drain("member-1");
   * await stuckTurn.interrupt(); // answered by member-1 at once; the drain then moves the thread
   * await drained;
   * ```
   *
   * @param memberId a member's `id`, as in {@link stats}.
   * @param options.signal aborting it rejects this call; the drain goes on.
   * @throws {InvalidArgumentError} when no member has that id.
   */
  async drain(memberId: string, options: CallOptions = {}): Promise<void> {
    const member = this.#member(memberId);
    await raceAbort(this.#directory.drain(member), options.signal);
  }

  /**
   * Adds a member and returns its id. Without options, a pool made with `spawn` spawns one more
   * runtime with the same options. The member starts when it is first needed.
   *
   * @throws {InvalidArgumentError} for invalid options, or none for a pool made from a member list.
   */
  add(options?: AsyncCodexOptions): string {
    if (options === undefined && !this.#template) throw new InvalidArgumentError("options", "are required: this pool was made from a member list, so there is no spawn template");
    const member = options === undefined ? this.#template : checkMemberOptions(options, "options");
    return this.#addMember(member as AsyncCodexOptions).id;
  }

  /** Per member: state, threads held, turns running and done (reviews and goals included), restarts. */
  stats(): PoolMemberStats[] {
    return this.#directory.members.map((member) => ({
      id: member.id,
      state: member.state,
      pid: member.codex.pid,
      threads: member.threads.size,
      turnsRunning: member.turnsRunning,
      turnsDone: member.turnsDone,
      restarts: member.restarts,
    }));
  }

  /** The id of the member holding a thread, or `undefined` when none does (not placed yet, or its runtime died). */
  memberOf(thread: Thread | string): string | undefined {
    return this.#directory.threads.get(typeof thread === "string" ? thread : thread.id)?.member?.id;
  }

  #addMember(options: AsyncCodexOptions): PoolMember {
    const member = new PoolMember(`member-${this.#nextMember}`, options, {
      onNotification: (notification) => this.#subscribers.broadcast(notification),
      onDown: (down) => this.#directory.memberDown(down),
      onError: this.#onError,
    });
    this.#nextMember += 1;
    this.#directory.members.push(member);
    return member;
  }

  #member(memberId: string): PoolMember {
    const member = this.#directory.members.find((candidate) => candidate.id === memberId);
    if (!member) throw new InvalidArgumentError("memberId", `is not a member of this pool: ${describe(memberId)} (members: ${this.#directory.members.map((m) => m.id).join(", ")})`);
    return member;
  }

  /** Creates a thread on the least loaded healthy member and places it there. */
  async #newThread(signal: AbortSignal | undefined, create: (member: PoolMember) => Promise<Thread>, resumeOptions: ThreadOptions, ephemeral: boolean): Promise<Thread> {
    const { member, unreserve } = await this.#directory.place(signal);
    try {
      const { id } = await create(member);
      const placement = new ThreadPlacement(id, resumeOptions, ephemeral);
      placement.assign(member);
      this.#directory.threads.set(id, placement);
      return new Thread(this.#session, id);
    } finally {
      unreserve();
    }
  }
}
