import type { GenericSchema } from "valibot";
import { optionKeys } from "./arguments.js";
import type { TurnStartParams } from "./protocol/generated/v2/index.js";
import type { TraceContext } from "./rpc/trace.js";
import type { ApprovalHandler } from "./server-requests/approvals.js";
import type { OutputSchema } from "./turns/structured-output.js";
import type { TurnHandle } from "./turns/turn-handle.js";
import type { GoalHandle } from "./goals/goal-handle.js";
import type { GoalOptions } from "./goals/goal-options.js";

/** Options every call accepts. */
export interface CallOptions {
  /** Aborting it rejects the call with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /**
   * W3C Trace Context sent with the request (its JSON-RPC `trace` field), instead of what the
   * client's `traceContext` hook returns. Checked before sending.
   */
  trace?: TraceContext | undefined;
}

/** The keys of {@link CallOptions}, for calls that take nothing else. */
export const CALL_OPTION_KEYS = optionKeys<CallOptions>()(["signal", "trace"]);

/** What `startTurn` needs besides the wire params. */
export interface TurnStartOptions extends CallOptions {
  onApproval?: ApprovalHandler | undefined;
  outputSchema?: OutputSchema | undefined;
  /** Overrides the client's `turnTimeoutMs`. */
  turnTimeoutMs?: number | undefined;
  /** Called once when the turn's (review's, goal's) stream completes, fails or is left; not if the start itself fails. */
  onFinish?: (() => void) | undefined;
}

/**
 * What threads and turns need from their `AsyncCodex`: requests on the current runtime (started on
 * demand) and turn starts. Internal; it keeps `Thread` and `TurnHandle` free of connection state.
 */
export interface Session {
  request<T>(method: string, params: unknown, schema: GenericSchema, options?: CallOptions): Promise<T>;
  startTurn<Output>(params: TurnStartParams, options?: TurnStartOptions): Promise<TurnHandle<Output>>;
  /** Starts a goal on an idle thread; `objective` and `options` are checked already. `onFinish` as for a turn. */
  startGoal(threadId: string, objective: string, options: GoalOptions & Pick<TurnStartOptions, "onFinish">): Promise<GoalHandle>;
  /** Sends `review/start` with its routing registered first (see `lib/turns/review.ts`). */
  startReview(params: Record<string, unknown>, options?: TurnStartOptions): Promise<TurnHandle<undefined>>;
  reportError(error: Error): void;
}
