import { redactSecrets } from "../redact.js";
import { Consumption } from "./consumption.js";
import { CodexError, InvalidRequestError, ProtocolError, type TurnTimeoutError } from "../errors.js";
import type { ItemCompletedNotification, ThreadItem, ThreadTokenUsage, TurnCompletedNotification, TurnInterruptResponse, TurnSteerResponse } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { ItemCompletedSchema, ObjectSchema, TokenUsageUpdatedSchema, TurnCompletedSchema, TurnSteerResponseSchema, validate } from "../protocol/schemas.js";
import { raceAbort } from "../abort.js";
import { type Input, toWireInput } from "./inputs.js";
import { checkOptions } from "../arguments.js";
import { CALL_OPTION_KEYS, type CallOptions, type Session } from "../session.js";
import { type OutputSchema, parseStructuredOutput } from "./structured-output.js";
import { type FailedTurnResult, finalResponse, TurnFailedError, type TurnResult } from "./turn-result.js";
import type { TurnStream } from "./turn-stream.js";

/**
 * Sends `turn/interrupt` with `send`. The runtime answers `turn/start` before the turn is active,
 * and until it is, refuses to interrupt it ("no active turn to interrupt"): an interrupt sent in that
 * window would be lost and the turn would run on. So when `activated` is given (nothing of the turn
 * was seen yet when the interrupt was asked for), such a refusal is retried once the turn shows
 * up. Not waited for up front: a turn joined while running may show nothing for a long time.
 */
export async function interruptTurn<T>(send: () => Promise<T>, activated: Promise<boolean> | undefined, signal?: AbortSignal): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const notStartedYet = error instanceof InvalidRequestError && /no active turn/i.test(error.rpcMessage);
    if (!notStartedYet || activated === undefined || !(await raceAbort(activated, signal))) throw error;
    return send();
  }
}

/**
 * A running turn. Iterate it with `for await` to see each of its notifications as they arrive;
 * the loop ends by itself right after the turn's `turn/completed`. Or call {@link run} to wait for
 * the {@link TurnResult}. A handle can be iterated once; `break` releases it. After a loop that
 * ran to the end, {@link run} returns the result collected while streaming.
 *
 * @example
 * ```ts
 * const turn = await thread.turn("Explain this repository");
 * for await (const n of turn) {
 *   if (n.method === "item/agentMessage/delta") process.stdout.write(n.params.delta);
 * }
 * ```
 */
export class TurnHandle<Output = undefined> implements AsyncIterable<Notification> {
  /** The turn id. */
  readonly id: string;
  /** The thread the turn runs on. */
  readonly threadId: string;
  readonly #session: Session;
  readonly #stream: TurnStream;
  readonly #consumption: Consumption;
  #result: TurnResult<Output> | FailedTurnResult | undefined;
  readonly #items: ThreadItem[] = [];
  #usage: ThreadTokenUsage | null = null;
  #completed: TurnCompletedNotification | undefined;
  readonly #outputSchema: OutputSchema | undefined;
  readonly #interruptTarget: (() => Promise<string | null>) | undefined;
  readonly #finalResponse: (items: readonly ThreadItem[]) => string | null;

  /**
   * @internal Created by `Thread.turn()`.
   * @param options.signal aborting it interrupts the turn and rejects the pending iteration with its reason.
   * @param options.idleTimeoutMs interrupts the turn and rejects with {@link TurnTimeoutError} after this long without a notification.
   * @param options.timeoutMs interrupts the turn and rejects with {@link TurnTimeoutError} after this long in all.
   * @param options.interruptTarget the turn id `turn/interrupt` must name, when it is not this turn's
   *   (a review: its reviewer turn), or `null` when there is nothing left to interrupt.
   * @param options.finalResponse picks {@link TurnResult.finalResponse} from the items. Default: `finalResponse`.
   */
  constructor(
    session: Session,
    threadId: string,
    id: string,
    stream: TurnStream,
    options: {
      signal?: AbortSignal | undefined;
      idleTimeoutMs?: number | undefined;
      timeoutMs?: number | undefined;
      outputSchema?: OutputSchema | undefined;
      interruptTarget?: (() => Promise<string | null>) | undefined;
      finalResponse?: ((items: readonly ThreadItem[]) => string | null) | undefined;
    } = {},
  ) {
    this.#session = session;
    this.#outputSchema = options.outputSchema;
    this.#interruptTarget = options.interruptTarget;
    this.#finalResponse = options.finalResponse ?? finalResponse;
    this.threadId = threadId;
    this.id = id;
    this.#stream = stream;
    this.#consumption = new Consumption({ subject: `Turn ${id}`, handle: "TurnHandle", afterLeaving: "the SDK stopped following it" });
    stream.stopOn(options, id, (reason) => this.#stop(reason));
  }

  /**
   * Yields the turn's notifications as they arrive, ending right after `turn/completed`.
   * @throws {CodexError} if the handle was already iterated or run.
   */
  [Symbol.asyncIterator](): AsyncIterator<Notification> {
    return this.#consumption.iterate(this.#stream.queue, (notification) => this.#observe(notification));
  }

  /**
   * Waits for the turn to finish and returns its result. Throws {@link TurnFailedError} if it
   * failed, and `StructuredOutputError` if it had an `outputSchema` its final response does not match.
   *
   * After a `for await` loop over the handle that ran to the end, returns the result collected
   * while streaming (the same object on every call), so a progress UI need not rebuild it. After a
   * loop that ended with an error (abort, timeout, closed runtime), throws that error again.
   *
   * @throws {CodexError} while the handle is being iterated, or after a loop left with `break`:
   *   that turn was not followed to its end, so there is no result.
   * @example
   * ```ts
   * const turn = await thread.turn("Summarise the README");
   * for await (const n of turn) if (n.method === "item/agentMessage/delta") process.stdout.write(n.params.delta);
   * const { usage, items } = await turn.run(); // no second model call: what the loop saw
   * ```
   */
  async run(): Promise<TurnResult<Output>> {
    await this.#consumption.finished(this);
    this.#result ??= this.#collect();
    const result = this.#result;
    if (result.status === "failed") throw new TurnFailedError(result);
    return result;
  }

  /** Adds input to the running turn (`turn/steer`). */
  async steer(input: Input, options: CallOptions = {}): Promise<TurnSteerResponse> {
    checkOptions(options, CALL_OPTION_KEYS);
    const params = { threadId: this.threadId, expectedTurnId: this.id, input: toWireInput(input) };
    return this.#session.request("turn/steer", params, TurnSteerResponseSchema, options);
  }

  /**
   * Asks the runtime to stop the turn; it then completes with status `"interrupted"`. Also right
   * after `turn()` returned, when the runtime has not started the turn yet and refuses at first.
   */
  async interrupt(options: CallOptions = {}): Promise<TurnInterruptResponse> {
    return this.#interrupt(this.#stream.activated(), this.#interruptTarget?.(), checkOptions(options, CALL_OPTION_KEYS));
  }

  /** Gives up on the turn: the consumer gets `reason` at once, and the runtime is asked to interrupt. */
  #stop(reason: unknown): void {
    // Asked before the stream is left: afterwards the stream no longer sees the turn's notifications.
    const activated = this.#stream.activated();
    const target = this.#interruptTarget?.();
    this.#stream.abort(reason);
    this.#interrupt(activated, target).catch((error: Error) => this.#session.reportError(error));
  }

  async #interrupt(activated: Promise<boolean> | undefined, target: Promise<string | null> | undefined, options: CallOptions = {}): Promise<TurnInterruptResponse> {
    if (target !== undefined) {
      const turnId = await raceAbort(target, options.signal);
      if (turnId === null) return {};
      return this.#session.request("turn/interrupt", { threadId: this.threadId, turnId }, ObjectSchema, options);
    }
    const send = (): Promise<TurnInterruptResponse> => this.#session.request("turn/interrupt", { threadId: this.threadId, turnId: this.id }, ObjectSchema, options);
    return interruptTurn(send, activated, options.signal);
  }

  /** Collects what the result needs, checking each field the SDK reads. */
  #observe(notification: Notification): void {
    switch (notification.method) {
      case "item/completed":
        this.#items.push(validate<ItemCompletedNotification>(ItemCompletedSchema, notification.params, "item/completed notification").item);
        break;
      case "thread/tokenUsage/updated":
        this.#usage = validate<{ tokenUsage: ThreadTokenUsage }>(TokenUsageUpdatedSchema, notification.params, "thread/tokenUsage/updated notification").tokenUsage;
        break;
      case "turn/completed":
        this.#completed = validate<TurnCompletedNotification>(TurnCompletedSchema, notification.params, "turn/completed notification");
        break;
    }
  }

  /** The result from what the loop collected; a completed turn with an `outputSchema` gets its parsed `output`. */
  #collect(): TurnResult<Output> | FailedTurnResult {
    const turn = this.#completed?.turn;
    if (!turn) throw new CodexError(`Turn ${this.id} ended without turn/completed`);
    if (turn.status === "inProgress") throw new ProtocolError(`Turn ${this.id}: turn/completed says the turn is still in progress`, { method: "turn/completed", path: "turn.status" });
    const result: TurnResult<undefined> | FailedTurnResult = {
      id: turn.id,
      threadId: this.threadId,
      status: turn.status,
      // The provider's error text may quote what it was sent, e.g. a rejected key.
      error: turn.error ? { ...turn.error, message: redactSecrets(turn.error.message) } : null,
      startedAt: turn.startedAt ?? null,
      completedAt: turn.completedAt ?? null,
      durationMs: turn.durationMs ?? null,
      finalResponse: this.#finalResponse(this.#items),
      items: this.#items,
      usage: this.#usage,
      output: undefined,
    };
    if (this.#outputSchema === undefined || result.status === "failed") return result as TurnResult<Output>;
    return { ...result, output: parseStructuredOutput(this.#outputSchema, result.finalResponse) as Output };
  }
}
