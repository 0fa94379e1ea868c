import type { GenericSchema } from "valibot";
import type { TurnStartParams } from "../protocol/generated/v2/index.js";
import { validate } from "../protocol/schemas.js";
import { checkTraceContext, type TraceContext, type TraceContextProvider } from "../rpc/trace.js";
import type { Session, TurnStartOptions } from "../session.js";
import { startGoal } from "../goals/start-goal.js";
import type { GoalHandle } from "../goals/goal-handle.js";
import type { GoalOptions } from "../goals/goal-options.js";
import { startReview } from "../turns/review.js";
import { startTurn, type TurnLimits } from "../turns/start-turn.js";
import type { TurnHandle } from "../turns/turn-handle.js";
import type { RequestOptions } from "./request.js";
import type { RuntimeSlot } from "./runtime-slot.js";

/** What a {@link RuntimeSession} adds to every call besides the runtime. */
export interface RuntimeSessionSettings {
  /** The client's defaults of `turnIdleTimeoutMs` and `turnTimeoutMs`. */
  turnLimits: TurnLimits;
  /** The client's `traceContext` hook, asked for calls that bring no trace of their own. */
  traceContext: TraceContextProvider | undefined;
  /** The client's `onError`. */
  reportError(error: Error): void;
}

/**
 * How an `AsyncCodex`'s calls, turns, goals and reviews reach its runtime: on the current
 * connection (started on demand), with the call's trace context or the client hook's, and the
 * client's turn limits. The {@link Session} of every `Thread` the client returns.
 */
export class RuntimeSession implements Session {
  readonly #runtime: RuntimeSlot;
  readonly #turnLimits: TurnLimits;
  readonly #traceContext: TraceContextProvider | undefined;
  readonly reportError: (error: Error) => void;

  constructor(runtime: RuntimeSlot, settings: RuntimeSessionSettings) {
    this.#runtime = runtime;
    this.#turnLimits = settings.turnLimits;
    this.#traceContext = settings.traceContext;
    this.reportError = settings.reportError;
  }

  /** Sends a request on the current runtime, starting one if needed, and checks the fields the SDK reads. */
  async request<T>(method: string, params: unknown, schema: GenericSchema, options: RequestOptions = {}): Promise<T> {
    const { signal, timeoutMs } = options;
    const trace = this.#trace(options.trace);
    const connection = await this.#runtime.connect(signal);
    return validate<T>(schema, await connection.peer.request(method, params, { signal, timeoutMs, trace }), `${method} response`);
  }

  async startTurn<Output>(params: TurnStartParams, call: TurnStartOptions = {}): Promise<TurnHandle<Output>> {
    return startTurn(await this.#runtime.connect(call.signal), this, params, { ...call, trace: this.#trace(call.trace) }, this.#turnLimits);
  }

  async startGoal(threadId: string, objective: string, goalOptions: GoalOptions & Pick<TurnStartOptions, "onFinish">): Promise<GoalHandle> {
    return startGoal(await this.#runtime.connect(goalOptions.signal), this, threadId, objective, goalOptions, this.#turnLimits);
  }

  async startReview(params: Record<string, unknown>, options: TurnStartOptions = {}): Promise<TurnHandle<undefined>> {
    const trace = this.#trace(options.trace);
    const connection = await this.#runtime.connect(options.signal);
    return startReview(connection, this, params, { ...options, trace, idleTimeoutMs: this.#turnLimits.idleTimeoutMs });
  }

  /** The trace context of a request: the call's own, else the client hook's; checked either way. */
  #trace(trace: TraceContext | undefined): TraceContext | undefined {
    if (trace !== undefined) return checkTraceContext(trace, "options.trace");
    const provided = this.#traceContext?.();
    return provided === undefined ? undefined : checkTraceContext(provided, "the traceContext hook's result");
  }
}
