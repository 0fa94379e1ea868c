import { CodexError, InvalidRequestError, ProtocolError } from "../errors.js";
import { Consumption } from "../turns/consumption.js";
import type { ItemCompletedNotification, ThreadGoal, ThreadItem, ThreadTokenUsage, TokenUsageBreakdown, TurnCompletedNotification, TurnInterruptResponse, TurnSteerResponse } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { GoalSetResponseSchema, ItemCompletedSchema, ObjectSchema, TokenUsageUpdatedSchema, TurnCompletedSchema, TurnSteerResponseSchema, validate } from "../protocol/schemas.js";
import { redactSecrets } from "../redact.js";
import type { CallOptions, Session } from "../session.js";
import { type Input, toWireInput } from "../turns/inputs.js";
import { interruptTurn } from "../turns/turn-handle.js";
import { finalResponse, TurnFailedError, type TurnResult } from "../turns/turn-result.js";
import type { TurnStream } from "../turns/turn-stream.js";
import type { GoalRoute } from "./goal-route.js";

/** What a finished goal produced: a {@link TurnResult} over all of its turns, and the goal itself. */
export interface GoalResult extends TurnResult {
  /**
   * `"completed"` when the goal stopped by its own rules (check {@link goal} for `complete`,
   * `budgetLimited`, `blocked`, …), `"interrupted"` after `interrupt()`; a failed turn makes
   * `run()` throw {@link GoalFailedError}.
   */
  status: TurnResult["status"];
  /** The goal as the runtime last reported it; `null` if it was cleared. */
  goal: ThreadGoal | null;
  /** The runtime's own ids of the goal's turns, in order; the first one is the logical `id`. */
  turnIds: string[];
}

/** What a goal that failed produced: a {@link GoalResult} with status `"failed"`, held by {@link GoalFailedError}. */
export type FailedGoalResult = Omit<GoalResult, "status"> & {
  /** Always `"failed"`. */
  status: "failed";
};

/**
 * A turn of a goal failed (a model call failed, or the account hit its usage limit). A
 * {@link TurnFailedError}, so one `catch` handles turns and goals; its `result` also carries the
 * goal as the runtime last reported it and the ids of the goal's turns.
 *
 * @example
 * ```ts
 * try {
 *   await thread.runGoal("Keep the build green");
 * } catch (error) {
 *   if (!(error instanceof GoalFailedError)) throw error;
 *   const { goal, turnIds } = error.result; // goal?.status: "blocked", "usageLimited", …
 * }
 * ```
 */
export class GoalFailedError extends TurnFailedError {
  /** Always `"GoalFailedError"`. */
  override name = "GoalFailedError";
  /** The goal's result, with whatever items its turns completed. */
  declare readonly result: FailedGoalResult;

  constructor(result: FailedGoalResult) {
    super(result);
  }
}

/** What the handle does when its consumer leaves; set up by `startGoal`. */
export interface GoalLifecycle {
  /** Releases the thread's routing and place in line. Idempotent. */
  release(): void;
  /** Called when the stream is left: by default releases at once. */
  onLeave: () => void;
}

/**
 * A goal being pursued on a thread, seen as one logical turn: iterate it with `for await` for one
 * `turn/started`, the notifications of every turn the runtime runs for the goal (each carrying the
 * logical id, {@link id}), and one `turn/completed` once the goal stopped. Or call {@link run}.
 *
 * Leaving the loop with `break` releases the SDK's routing but does not pause the goal: the
 * runtime goes on working on it. Call {@link interrupt} (or abort the signal) to pause it.
 *
 * @example
 * ```ts
 * const goal = await thread.startGoal("Make the test suite pass", { tokenBudget: 200_000 });
 * for await (const n of goal) {
 *   if (n.method === "thread/goal/updated") process.stdout.write(`${n.params.goal.status}, ${n.params.goal.tokensUsed} tokens\n`);
 * }
 * const { goal: final, turnIds } = await goal.run();
 * ```
 */
export class GoalHandle implements AsyncIterable<Notification> {
  /** The logical turn id: the runtime's id of the goal's first turn. */
  readonly id: string;
  /** The thread the goal runs on. */
  readonly threadId: string;
  readonly #session: Session;
  readonly #route: GoalRoute;
  readonly #stream: TurnStream;
  readonly #lifecycle: GoalLifecycle;
  readonly #consumption: Consumption;
  readonly #items: ThreadItem[] = [];
  readonly #usages: ThreadTokenUsage[] = [];
  #completed: TurnCompletedNotification | undefined;
  #result: GoalResult | FailedGoalResult | undefined;

  /** @internal Created by `Thread.startGoal()`. */
  constructor(
    session: Session,
    route: GoalRoute,
    stream: TurnStream,
    lifecycle: GoalLifecycle,
    options: { signal?: AbortSignal | undefined; idleTimeoutMs?: number | undefined; timeoutMs?: number | undefined },
  ) {
    this.#session = session;
    this.#route = route;
    this.#stream = stream;
    this.#lifecycle = lifecycle;
    this.threadId = route.threadId;
    this.id = route.logicalId ?? "";
    this.#consumption = new Consumption({ subject: `Goal turn ${this.id}`, handle: "GoalHandle", afterLeaving: "the goal itself goes on" });
    stream.stopOn(options, this.id, (reason) => this.#stop(reason));
  }

  /**
   * Yields the goal's notifications as they arrive, ending right after its one `turn/completed`.
   * @throws {CodexError} if the handle was already iterated.
   */
  [Symbol.asyncIterator](): AsyncIterator<Notification> {
    return this.#consumption.iterate(this.#stream.queue, (notification) => this.#observe(notification));
  }

  /**
   * Waits for the goal to stop and returns its result; after a loop that ran to the end, the result
   * collected while streaming. Throws {@link GoalFailedError} (a {@link TurnFailedError}) when a
   * turn of the goal failed (the goal then keeps the status the runtime gave it, e.g. `blocked`).
   * @throws {CodexError} while the handle is being iterated, or after a loop left with `break`.
   */
  async run(): Promise<GoalResult> {
    await this.#consumption.finished(this);
    this.#result ??= this.#collect();
    const result = this.#result;
    if (result.status === "failed") throw new GoalFailedError(result);
    return result;
  }

  /**
   * Adds input to the goal's running turn (`turn/steer`), following the goal across continuations:
   * between two turns it waits for the next one. The response carries the logical id. Once the goal
   * stopped, the runtime refuses ("no active turn to steer").
   */
  async steer(input: Input, options: CallOptions = {}): Promise<TurnSteerResponse> {
    const wire = toWireInput(input);
    const send = (turnId: string): Promise<TurnSteerResponse> =>
      this.#session.request("turn/steer", { threadId: this.threadId, expectedTurnId: turnId, input: wire }, TurnSteerResponseSchema, options);
    const target = this.#route.currentTurnId ?? (this.#route.ended ? undefined : await this.#route.nextTurn()) ?? this.#lastTurnId();
    try {
      await send(target);
    } catch (error) {
      const next = await this.#rolledOver(error);
      if (next === undefined) throw error;
      await send(next);
    }
    return { turnId: this.id };
  }

  /**
   * Pauses the goal (status `paused`) and interrupts its running turn; the logical turn then ends
   * as `"interrupted"`. Once the goal stopped, the runtime refuses ("no active turn to interrupt").
   */
  async interrupt(options: CallOptions = {}): Promise<TurnInterruptResponse> {
    if (this.#route.ended) {
      return this.#session.request("turn/interrupt", { threadId: this.threadId, turnId: this.#lastTurnId() }, ObjectSchema, options);
    }
    await pauseGoal(this.#session, this.#route, options);
    return {};
  }

  /** Gives up on the goal: the consumer gets `reason` at once; the goal is paused and its turn interrupted before the routing goes. */
  #stop(reason: unknown): void {
    const pausing = pauseGoal(this.#session, this.#route).catch((error: Error) => this.#session.reportError(error));
    this.#lifecycle.onLeave = () => void pausing.finally(() => this.#lifecycle.release());
    this.#stream.abort(reason);
  }

  /**
   * The turn to steer instead, when a steer was refused because the goal rolled over to a
   * continuation meanwhile: the one the runtime names ("expected active turn id … but found X"),
   * or, between two turns, the next one to start.
   */
  async #rolledOver(error: unknown): Promise<string | undefined> {
    if (!(error instanceof InvalidRequestError) || this.#route.ended) return undefined;
    const found = /but found `?([^`\s]+)`?$/.exec(error.rpcMessage)?.[1];
    if (found !== undefined) return found;
    return /no active turn/i.test(error.rpcMessage) ? this.#route.nextTurn() : undefined;
  }

  #lastTurnId(): string {
    return this.#route.turnIds.at(-1) ?? this.id;
  }

  #observe(notification: Notification): void {
    switch (notification.method) {
      case "item/completed":
        this.#items.push(validate<ItemCompletedNotification>(ItemCompletedSchema, notification.params, "item/completed notification").item);
        break;
      case "thread/tokenUsage/updated":
        this.#usages.push(validate<{ tokenUsage: ThreadTokenUsage }>(TokenUsageUpdatedSchema, notification.params, "thread/tokenUsage/updated notification").tokenUsage);
        break;
      case "turn/completed":
        this.#completed = validate<TurnCompletedNotification>(TurnCompletedSchema, notification.params, "turn/completed notification");
        break;
    }
  }

  #collect(): GoalResult | FailedGoalResult {
    const turn = this.#completed?.turn;
    if (!turn) throw new CodexError(`Goal turn ${this.id} ended without turn/completed`);
    if (turn.status === "inProgress") throw new ProtocolError(`Goal turn ${this.id}: turn/completed says the turn is still in progress`, { method: "turn/completed", path: "turn.status" });
    return {
      id: this.id,
      threadId: this.threadId,
      status: turn.status,
      error: turn.error ? { ...turn.error, message: redactSecrets(turn.error.message) } : null,
      startedAt: turn.startedAt ?? null,
      completedAt: turn.completedAt ?? null,
      durationMs: turn.durationMs ?? null,
      finalResponse: finalResponse(this.#items),
      items: this.#items,
      usage: summedUsage(this.#usages),
      output: undefined,
      goal: this.#route.goal ?? null,
      turnIds: [...this.#route.turnIds],
    };
  }
}

/**
 * The usage of all the goal's model calls: each `thread/tokenUsage/updated` reports one call in
 * `last`, so `total` sums those (the wire's own `total` counts the whole thread, earlier turns
 * too) and `last` is the last call's.
 */
function summedUsage(usages: readonly ThreadTokenUsage[]): ThreadTokenUsage | null {
  const last = usages.at(-1);
  if (!last) return null;
  const total = { ...last.last };
  for (const key of Object.keys(total) as Array<keyof TokenUsageBreakdown>) {
    total[key] = usages.reduce((sum, usage) => sum + (usage.last[key] ?? 0), 0);
  }
  return { ...last, total };
}

/**
 * Pauses the goal (`thread/goal/set { status: "paused" }`) and interrupts its running turn, and any
 * turn that starts while this runs; the logical turn then ends as `"interrupted"`.
 */
export async function pauseGoal(session: Session, route: GoalRoute, options: CallOptions = {}): Promise<void> {
  const interrupt = async (turnId: string): Promise<void> => {
    const send = (): Promise<unknown> => session.request("turn/interrupt", { threadId: route.threadId, turnId }, ObjectSchema, options);
    try {
      await interruptTurn(send, undefined, options.signal);
    } catch (error) {
      // The turn ended meanwhile: nothing left to stop.
      if (!(error instanceof InvalidRequestError && /no active turn/i.test(error.rpcMessage))) throw error;
    }
  };
  route.interrupting = true;
  route.onTurnWhileInterrupting = (turnId) => void interrupt(turnId).catch((error: Error) => session.reportError(error));
  const { goal } = await session.request<{ goal: ThreadGoal }>("thread/goal/set", { threadId: route.threadId, status: "paused" }, GoalSetResponseSchema, options);
  route.observeGoal(goal);
  const current = route.currentTurnId;
  if (current === undefined) route.endIfIdle();
  else await interrupt(current);
}
