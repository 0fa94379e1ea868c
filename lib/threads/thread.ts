import type { ThreadCompactStartResponse, ThreadGoal, ThreadReadResponse, ThreadSetNameResponse } from "../protocol/generated/v2/index.js";
import { GoalClearResponseSchema, GoalGetResponseSchema, GoalSetResponseSchema, ObjectSchema } from "../protocol/schemas.js";
import type { GoalHandle, GoalResult } from "../goals/goal-handle.js";
import { checkGoalOptions, checkObjective, type GoalOptions, type SetGoalOptions, setGoalParams } from "../goals/goal-options.js";
import { goalRequest } from "../goals/start-goal.js";
import { InvalidArgumentError } from "../errors.js";
import { type Input, toWireInput } from "../turns/inputs.js";
import type { CallOptions, Session } from "../session.js";
import type { OutputOf } from "../turns/structured-output.js";
import type { TurnHandle } from "../turns/turn-handle.js";
import type { TurnResult } from "../turns/turn-result.js";
import { type TurnOptions, turnParams } from "../turns/turn-options.js";

/**
 * A conversation: state that persists across turns. Get one from `codex.threadStart()`,
 * `threadResume()` or `threadFork()`; run several turns on the same thread for a multi-turn chat.
 *
 * @example
 * ```ts
 * const thread = await codex.threadStart();
 * const first = await thread.run("Name a prime number.");
 * const second = await thread.run("And the next one?"); // sees the first exchange
 * ```
 */
export class Thread {
  /** The thread id; pass it to `threadResume` to continue later. */
  readonly id: string;
  readonly #session: Session;

  /** @internal Created by `AsyncCodex`. */
  constructor(session: Session, id: string) {
    this.#session = session;
    this.id = id;
  }

  /**
   * Starts a turn and returns its handle once the runtime accepted it. Its notifications are
   * routed to the handle from the start, so none is lost however fast the turn runs.
   *
   * Turns on one thread run one at a time, in call order: a turn called while another one runs on
   * the thread (in this `AsyncCodex`) is sent once that one's `turn/completed` arrived, also when
   * its loop was left with `break` or its signal aborted (the runtime runs it on until it
   * completes). Aborting `options.signal` while the turn waits cancels it before anything is sent.
   * To add input to the running turn instead, use its handle's `steer()`.
   *
   * @throws {InvalidArgumentError} for bad input or options, before anything is sent.
   * @throws {ThreadBusyError} when the runtime joined the input into a turn this call did not
   *   start (one started by another client or by the runtime itself, e.g. for a goal).
   * @example
   * ```ts
   * // Both complete, one after the other, each with its own answer.
   * const [a, b] = await Promise.all([thread.run("First question"), thread.run("Second question")]);
   * ```
   */
  async turn<const O extends TurnOptions = TurnOptions>(input: Input, options?: O): Promise<TurnHandle<OutputOf<O>>> {
    const params = { ...turnParams(options ?? {}), threadId: this.id, input: toWireInput(input) };
    return this.#session.startTurn<OutputOf<O>>(params, options);
  }

  /**
   * Runs a turn to the end: `turn()` then `run()` on its handle.
   *
   * @example
   * ```ts
   * const Answer = v.object({ city: v.string(), population: v.number() });
   * const { output } = await thread.run("Largest city in France?", { outputSchema: Answer });
   * output.population; // number
   * ```
   */
  async run<const O extends TurnOptions = TurnOptions>(input: Input, options?: O): Promise<TurnResult<OutputOf<O>>> {
    return (await this.turn(input, options)).run();
  }

  /** Reads the thread (`thread/read`); with `includeTurns`, its history too. */
  read(options: CallOptions & { includeTurns?: boolean } = {}): Promise<ThreadReadResponse> {
    const { includeTurns = false, ...call } = options;
    return this.#session.request("thread/read", { threadId: this.id, includeTurns }, ObjectSchema, call);
  }

  /** Names the thread (`thread/name/set`). */
  async setName(name: string, options: CallOptions = {}): Promise<ThreadSetNameResponse> {
    if (typeof name !== "string" || name.trim() === "") throw new InvalidArgumentError("name", "must be a non-empty string");
    return this.#session.request("thread/name/set", { threadId: this.id, name }, ObjectSchema, options);
  }

  /**
   * Sets or changes the thread's goal (`thread/goal/set`): its objective, status and token budget.
   * Setting `status: "active"` makes the runtime start working on it by itself; to follow that
   * work as one stream, use {@link startGoal} instead.
   *
   * @throws {InvalidArgumentError} for an empty or too long objective, an unknown status or option.
   * @throws {InvalidRequestError} when the goals feature is off (`[features] goals = false`) or the thread is ephemeral.
   */
  async setGoal(options: SetGoalOptions): Promise<ThreadGoal> {
    const params = { ...setGoalParams(options), threadId: this.id };
    return (await goalRequest<{ goal: ThreadGoal }>(this.#session, "thread/goal/set", params, GoalSetResponseSchema, { signal: options.signal })).goal;
  }

  /** The thread's goal (`thread/goal/get`), or `null` when it has none. */
  async getGoal(options: CallOptions = {}): Promise<ThreadGoal | null> {
    return (await goalRequest<{ goal: ThreadGoal | null }>(this.#session, "thread/goal/get", { threadId: this.id }, GoalGetResponseSchema, options)).goal;
  }

  /** Removes the thread's goal (`thread/goal/clear`); resolves whether there was one. */
  async clearGoal(options: CallOptions = {}): Promise<boolean> {
    return (await goalRequest<{ cleared: boolean }>(this.#session, "thread/goal/clear", { threadId: this.id }, GoalClearResponseSchema, options)).cleared;
  }

  /**
   * Starts working toward `objective` and returns a {@link GoalHandle} once the runtime started the
   * goal's first turn. The runtime keeps starting continuation turns until the model marks the goal
   * complete, or it stops as paused, blocked, out of budget or out of usage; the handle presents all
   * of it as one logical turn. Any goal stored on the thread is replaced. The thread must be idle
   * and persisted, and the runtime's goals feature on; these are checked before any model work.
   * Goal turns use the thread's settings.
   *
   * @throws {InvalidArgumentError} for an empty objective, one longer than 4,000 characters, or a bad option.
   * @throws {CodexError} when a turn runs on the thread.
   * @throws {InvalidRequestError} when the goals feature is off or the thread is ephemeral.
   * @example
   * ```ts
   * const goal = await thread.startGoal("Fix the failing test in spec/", { tokenBudget: 100_000 });
   * for await (const n of goal) if (n.method === "item/agentMessage/delta") process.stdout.write(n.params.delta);
   * ```
   */
  async startGoal(objective: string, options: GoalOptions = {}): Promise<GoalHandle> {
    const checked = checkObjective(objective, "objective");
    return this.#session.startGoal(this.id, checked, checkGoalOptions(options));
  }

  /**
   * Runs a goal to its end: {@link startGoal} then `run()` on its handle. Resolves with the result
   * of all its turns and the final goal; throws `TurnFailedError` when a turn of the goal failed.
   *
   * @example
   * ```ts
   * const { goal, finalResponse, usage } = await thread.runGoal("Write a haiku about the sea");
   * goal?.status; // "complete"
   * ```
   */
  async runGoal(objective: string, options: GoalOptions = {}): Promise<GoalResult> {
    return (await this.startGoal(objective, options)).run();
  }

  /** Starts compacting the thread's history (`thread/compact/start`). */
  compact(options: CallOptions = {}): Promise<ThreadCompactStartResponse> {
    return this.#session.request("thread/compact/start", { threadId: this.id }, ObjectSchema, options);
  }
}
