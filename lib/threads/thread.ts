import type { ThreadCompactStartResponse, ThreadReadResponse, ThreadSetNameResponse } from "../protocol/generated/v2/index.js";
import { ObjectSchema } from "../protocol/schemas.js";
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
   * @throws {InvalidArgumentError} for bad input or options, before anything is sent.
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

  /** Starts compacting the thread's history (`thread/compact/start`). */
  compact(options: CallOptions = {}): Promise<ThreadCompactStartResponse> {
    return this.#session.request("thread/compact/start", { threadId: this.id }, ObjectSchema, options);
  }
}
