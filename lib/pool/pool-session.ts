import type { GenericSchema } from "valibot";
import { sessionOf } from "../client/async-codex.js";
import type { CodexError } from "../errors.js";
import type { TurnStartParams } from "../protocol/generated/v2/index.js";
import type { CallOptions, Session, TurnStartOptions } from "../session.js";
import type { TurnHandle } from "../turns/turn-handle.js";
import type { GoalHandle } from "../goals/goal-handle.js";
import type { GoalOptions } from "../goals/goal-options.js";
import type { ThreadDirectory } from "./thread-directory.js";

/**
 * Thread calls that go to the member still holding a thread while a drain waits for the thread's
 * turns to end: they only read or label the thread, or stop its goal, so waiting for the move
 * would mean waiting for a turn that may never end by itself. Everything else (new turns, goals
 * and reviews, compaction, history and settings changes, unsubscribing) waits for the move and
 * runs where the thread went. The `steer` and `interrupt` of turn, goal and review handles do not
 * come here: a handle sends them to the member running its work.
 */
const IN_PLACE_METHODS = new Set(["thread/read", "thread/turns/list", "thread/items/list", "thread/name/set", "thread/metadata/update", "thread/goal/get"]);

/** Whether a thread call may go to the member holding a moving thread; see {@link IN_PLACE_METHODS}. */
function runsInPlace(method: string, params: unknown): boolean {
  if (method !== "thread/goal/set") return IN_PLACE_METHODS.has(method);
  // Pausing (or ending) a goal stops work; setting one active starts it.
  const { status } = params as { status?: string };
  return status !== undefined && status !== "active";
}

/**
 * How a pool's threads reach their runtimes: each call, turn, goal and review of a `Thread` of the
 * pool goes to the member holding the thread (resumed on one first if none does). While a drain
 * moves the thread, new work waits for the move; reads, labels and pausing a goal do not (see
 * {@link IN_PLACE_METHODS}). The {@link Session} of every `Thread` the pool returns.
 */
export class PoolSession implements Session {
  readonly #directory: ThreadDirectory;
  readonly reportError: (error: CodexError) => void;

  constructor(directory: ThreadDirectory, reportError: (error: CodexError) => void) {
    this.#directory = directory;
    this.reportError = reportError;
  }

  /** A thread call from a `Thread` of this pool, sent to the member holding the thread. */
  async request<T>(method: string, params: unknown, schema: GenericSchema, call: CallOptions = {}): Promise<T> {
    const { threadId } = params as { threadId: string };
    const { member, done } = await this.#directory.route(threadId, call.signal, runsInPlace(method, params));
    try {
      return await sessionOf(member.codex).request<T>(method, params, schema, call);
    } finally {
      done();
    }
  }

  /** A goal of a `Thread` of this pool, started on the member holding the thread and counted there as one turn. */
  startGoal(threadId: string, objective: string, options: GoalOptions): Promise<GoalHandle> {
    return this.#counted(threadId, options.signal, (session, onFinish) => session.startGoal(threadId, objective, { ...options, onFinish }));
  }

  /** A review of a `Thread` of this pool, started on the member holding the thread and counted there as a turn. */
  startReview(params: Record<string, unknown>, call: TurnStartOptions = {}): Promise<TurnHandle<undefined>> {
    return this.#counted(String(params.threadId), call.signal, (session, onFinish) => session.startReview(params, { ...call, onFinish }));
  }

  /** A turn of a `Thread` of this pool, started on the member holding the thread and counted there. */
  startTurn<Output>(params: TurnStartParams, call: TurnStartOptions = {}): Promise<TurnHandle<Output>> {
    return this.#counted(params.threadId, call.signal, (session, onFinish) => session.startTurn<Output>(params, { ...call, onFinish }));
  }

  /**
   * Starts a turn, review or goal on the member holding the thread (`start` gets that member's
   * session), counted there as a running turn until its stream completes, fails or is left, and then
   * as a turn done. The thread stays in use until then, so a drain hands it over only afterwards.
   */
  async #counted<Handle>(threadId: string, signal: AbortSignal | undefined, start: (session: Session, onFinish: () => void) => Promise<Handle>): Promise<Handle> {
    const { member, done } = await this.#directory.route(threadId, signal);
    member.turnsRunning += 1;
    let running = true;
    const finish = (ended: boolean): void => {
      if (!running) return;
      running = false;
      member.turnsRunning -= 1;
      if (ended) member.turnsDone += 1;
      done();
    };
    try {
      return await start(sessionOf(member.codex), () => finish(true));
    } catch (error) {
      finish(false);
      throw error;
    }
  }
}
