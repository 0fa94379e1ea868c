import type { JsonValue } from "../protocol/generated/serde_json/JsonValue.js";
import type {
  SortDirection,
  ThreadCompactStartResponse,
  ThreadGoal,
  ThreadItemEntry,
  ThreadMetadataUpdateResponse,
  ThreadReadResponse,
  ThreadRevertResponse,
  ThreadSetNameResponse,
  ThreadSettingsUpdateResponse,
  ThreadUnsubscribeResponse,
  Turn,
  TurnItemsView,
} from "../protocol/generated/v2/index.js";
import { GoalClearResponseSchema, GoalGetResponseSchema, GoalSetResponseSchema, ObjectSchema } from "../protocol/schemas.js";
import type { GoalHandle, GoalResult } from "../goals/goal-handle.js";
import { checkGoalOptions, checkObjective, type GoalOptions, type SetGoalOptions, setGoalParams } from "../goals/goal-options.js";
import { goalRequest } from "../goals/start-goal.js";
import { checkKnownKeys, checkObject, checkOptions, describe } from "../arguments.js";
import { CodexError, InvalidArgumentError, MethodNotFoundError } from "../errors.js";
import { type ReviewOptions, reviewParams } from "../turns/review.js";
import { type PageOptions, pageOptions, pages } from "./history.js";
import { metadataParams, type RevertOptions, settingsParams, type ThreadMetadata, type ThreadSettings } from "./thread-settings.js";
import { type Input, toWireInput } from "../turns/inputs.js";
import { CALL_OPTION_KEYS, type CallOptions, type Session } from "../session.js";
import type { OutputOf } from "../turns/structured-output.js";
import type { TurnHandle } from "../turns/turn-handle.js";
import type { ReviewTarget } from "../protocol/generated/v2/index.js";
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
  #unsubscribed = false;

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
    this.#checkSubscribed();
    const params = { ...turnParams(options), threadId: this.id, input: toWireInput(input) };
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

  /**
   * Reads the thread (`thread/read`); with `includeTurns`, its history too (`thread.turns`, empty
   * for a thread that has not run a turn yet).
   */
  async read(options: CallOptions & { includeTurns?: boolean | undefined } = {}): Promise<ThreadReadResponse> {
    const { includeTurns = false, ...call } = checkOptions(options, ["signal", "trace", "includeTurns"]);
    try {
      return await this.#session.request<ThreadReadResponse>("thread/read", { threadId: this.id, includeTurns }, ObjectSchema, call);
    } catch (error) {
      // Runtime 0.169.0 has no turn list for a thread before its first turn and says so as an
      // unknown method (-32601 "list_turns is not supported yet"): its history is empty.
      if (!(includeTurns === true && error instanceof MethodNotFoundError && /list_turns/.test(error.rpcMessage))) throw error;
      const response = await this.#session.request<ThreadReadResponse>("thread/read", { threadId: this.id, includeTurns: false }, ObjectSchema, call);
      return { ...response, thread: { ...response.thread, turns: [] } };
    }
  }

  /** Names the thread (`thread/name/set`). */
  async setName(name: string, options: CallOptions = {}): Promise<ThreadSetNameResponse> {
    if (typeof name !== "string" || name.trim() === "") throw new InvalidArgumentError("name", "must be a non-empty string");
    return this.#session.request("thread/name/set", { threadId: this.id, name }, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
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
    return this.#session.request("thread/compact/start", { threadId: this.id }, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }

  /**
   * Starts a code review (`review/start`) on this thread and returns its handle: iterate it, or
   * `run()` it for the review text as `finalResponse`. `interrupt()` and `signal` stop it.
   *
   * @example
   * ```ts
   * const review = await thread.review({ type: "baseBranch", branch: "main" });
   * const { finalResponse } = await review.run();
   * ```
   */
  async review(target: ReviewTarget, options: ReviewOptions = {}): Promise<TurnHandle<undefined>> {
    this.#checkSubscribed();
    return this.#session.startReview(reviewParams(this.id, target, options), options);
  }

  /**
   * The thread's turns (`thread/turns/list`), newest first unless `sortDirection: "asc"`, fetched
   * page by page as the loop asks for them; `break` stops fetching.
   *
   * @example
   * ```ts
   * for await (const turn of thread.turns({ pageSize: 10 })) {
   *   if (turn.status === "failed") break;
   * }
   * ```
   */
  turns(options: PageOptions & { sortDirection?: SortDirection; itemsView?: TurnItemsView } = {}): AsyncIterable<Turn> {
    const { limit, call } = pageOptions(options, ["sortDirection", "itemsView"]);
    const { sortDirection, itemsView } = options;
    return pages<Turn>(this.#session, "thread/turns/list", { threadId: this.id, sortDirection, itemsView }, limit, call);
  }

  /** The thread's items (`thread/items/list`), oldest first unless `sortDirection: "desc"`, optionally of one turn, page by page. */
  items(options: PageOptions & { turnId?: string; sortDirection?: SortDirection } = {}): AsyncIterable<ThreadItemEntry> {
    const { limit, call } = pageOptions(options, ["turnId", "sortDirection"]);
    const { turnId, sortDirection } = options;
    if (turnId !== undefined && (typeof turnId !== "string" || turnId === "")) throw new InvalidArgumentError("options.turnId", `must be a non-empty string, got ${describe(turnId)}`);
    return pages<ThreadItemEntry>(this.#session, "thread/items/list", { threadId: this.id, turnId, sortDirection }, limit, call);
  }

  /**
   * Stops this connection's notifications of the thread (`thread/unsubscribe`). The runtime would
   * then send none of a later turn's notifications here, so this `Thread` refuses `turn()`, `run()`
   * and `review()` afterwards; `codex.threadResume(id)` subscribes again.
   */
  async unsubscribe(options: CallOptions = {}): Promise<ThreadUnsubscribeResponse> {
    const response = await this.#session.request<ThreadUnsubscribeResponse>("thread/unsubscribe", { threadId: this.id }, ObjectSchema, options);
    this.#unsubscribed = true;
    return response;
  }

  #checkSubscribed(): void {
    if (this.#unsubscribed) throw new CodexError(`Thread ${this.id} was unsubscribed: its turns would send this connection no notifications; call codex.threadResume("${this.id}") to subscribe again`);
  }

  /**
   * Drops `beforeTurnId` and every later turn from the thread's history (`thread/revert`). Files
   * the turns changed stay as they are.
   */
  revert(options: RevertOptions): Promise<ThreadRevertResponse> {
    checkObject(options, "options");
    checkKnownKeys(options, ["beforeTurnId", "signal", "trace"], "options");
    const { beforeTurnId, ...call } = options;
    if (typeof beforeTurnId !== "string" || beforeTurnId === "") throw new InvalidArgumentError("options.beforeTurnId", `must be a non-empty string, got ${describe(beforeTurnId)}`);
    return this.#session.request("thread/revert", { threadId: this.id, beforeTurnId }, ObjectSchema, call);
  }

  /** Changes the thread's stored metadata (`thread/metadata/update`): its project, git info, … */
  updateMetadata(metadata: ThreadMetadata, options: CallOptions = {}): Promise<ThreadMetadataUpdateResponse> {
    return this.#session.request("thread/metadata/update", { threadId: this.id, ...metadataParams(metadata) }, ObjectSchema, options);
  }

  /**
   * Changes the settings of the thread's later turns without starting one (`thread/settings/update`,
   * experimental): model, effort, sandbox, approval mode, …
   */
  updateSettings(settings: ThreadSettings, options: CallOptions = {}): Promise<ThreadSettingsUpdateResponse> {
    return this.#session.request("thread/settings/update", { threadId: this.id, ...settingsParams(settings) }, ObjectSchema, options);
  }

  /** Appends raw Responses API items to the model-visible history (`thread/inject_items`), e.g. context from elsewhere. */
  async injectItems(items: JsonValue[], options: CallOptions = {}): Promise<void> {
    if (!Array.isArray(items) || items.length === 0) throw new InvalidArgumentError("items", `must be a non-empty array of Responses API items, got ${describe(items)}`);
    await this.#session.request("thread/inject_items", { threadId: this.id, items }, ObjectSchema, options);
  }
}
