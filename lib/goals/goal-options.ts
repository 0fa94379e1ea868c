import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { CodexError, InvalidArgumentError, InvalidRequestError } from "../errors.js";
import type { ThreadGoalStatus } from "../protocol/generated/v2/index.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import type { CallOptions } from "../session.js";

/** The runtime refuses longer objectives ("goal objective must be at most 4000 characters"). */
export const MAX_OBJECTIVE_LENGTH = 4000;

/** Every status a goal can have; all but `"active"` end a goal's run. */
export const GOAL_STATUSES: readonly ThreadGoalStatus[] = ["active", "paused", "blocked", "usageLimited", "budgetLimited", "complete"];

/** Options of `thread.setGoal()`: what to change of the thread's goal; at least one of the three. */
export interface SetGoalOptions extends CallOptions {
  /** The objective, a non-empty string of at most 4,000 characters. */
  objective?: string | undefined;
  /** The status to set; `"active"` makes the runtime work on the goal on its own. */
  status?: ThreadGoalStatus | undefined;
  /** Tokens the goal may use before it becomes `budgetLimited`; `null` removes the budget. */
  tokenBudget?: number | null | undefined;
}

/** Options of `thread.startGoal()` and `thread.runGoal()`. */
export interface GoalOptions extends CallOptions {
  /** Tokens the goal may use; past them the runtime stops it as `budgetLimited`. Default: no budget. */
  tokenBudget?: number | undefined;
  /** Decides the approval requests of every turn of the goal, instead of the client-wide `onApproval`. */
  onApproval?: ApprovalHandler | undefined;
  /**
   * Wall-clock limit of the whole goal, in ms, overriding the client's `turnTimeoutMs`: past it the
   * goal is paused, its running turn interrupted, and the handle rejects with `TurnTimeoutError`.
   */
  turnTimeoutMs?: number | undefined;
}

const GOAL_OPTION_KEYS = ["signal", "tokenBudget", "onApproval", "turnTimeoutMs"] as const;
const SET_GOAL_OPTION_KEYS = ["signal", "objective", "status", "tokenBudget"] as const;

/** The objective, trimmed, once it is a non-empty string within the runtime's limit. */
export function checkObjective(objective: unknown, argument: string): string {
  if (typeof objective !== "string") throw new InvalidArgumentError(argument, `must be a string, got ${describe(objective)}`);
  const trimmed = objective.trim();
  if (trimmed === "") throw new InvalidArgumentError(argument, "must not be empty");
  // The runtime counts characters (code points), not UTF-16 units.
  const length = [...trimmed].length;
  if (length > MAX_OBJECTIVE_LENGTH) throw new InvalidArgumentError(argument, `must be at most ${MAX_OBJECTIVE_LENGTH} characters, got ${length}`);
  return trimmed;
}

/** Checks the options of `startGoal` and `runGoal`. */
export function checkGoalOptions(options: unknown): GoalOptions {
  checkObject(options, "options");
  checkKnownKeys(options, GOAL_OPTION_KEYS, "options");
  const { signal, tokenBudget, onApproval, turnTimeoutMs } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new InvalidArgumentError("options.signal", `must be an AbortSignal, got ${describe(signal)}`);
  if (tokenBudget !== undefined) checkTokenBudget(tokenBudget, "options.tokenBudget");
  if (onApproval !== undefined && typeof onApproval !== "function") throw new InvalidArgumentError("options.onApproval", `must be a function, got ${describe(onApproval)}`);
  if (turnTimeoutMs !== undefined && (typeof turnTimeoutMs !== "number" || !(turnTimeoutMs > 0))) {
    throw new InvalidArgumentError("options.turnTimeoutMs", `must be a positive number, got ${describe(turnTimeoutMs)}`);
  }
  return options as GoalOptions;
}

/** The wire params of `thread/goal/set` for `setGoal`, beyond `threadId`. */
export function setGoalParams(options: unknown): Record<string, unknown> {
  checkObject(options, "options");
  checkKnownKeys(options, SET_GOAL_OPTION_KEYS, "options");
  const { objective, status, tokenBudget } = options;
  const params: Record<string, unknown> = {};
  if (objective !== undefined) params.objective = checkObjective(objective, "options.objective");
  if (status !== undefined) {
    if (!GOAL_STATUSES.includes(status as ThreadGoalStatus)) throw new InvalidArgumentError("options.status", `must be one of ${GOAL_STATUSES.join(", ")}, got ${describe(status)}`);
    params.status = status;
  }
  if (tokenBudget !== undefined) {
    if (tokenBudget !== null) checkTokenBudget(tokenBudget, "options.tokenBudget");
    params.tokenBudget = tokenBudget;
  }
  if (Object.keys(params).length === 0) throw new InvalidArgumentError("options", "must set at least one of objective, status, tokenBudget");
  return params;
}

function checkTokenBudget(value: unknown, argument: string): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(argument, `must be a positive integer, got ${describe(value)}`);
}

/**
 * The runtime's refusals of a goal request, said so that they point at the fix: the goals feature
 * is off in its config, or the thread is ephemeral. Anything else is returned unchanged.
 */
export function explainGoalError(error: unknown, threadId: string): unknown {
  if (!(error instanceof InvalidRequestError)) return error;
  if (/goals feature is disabled/i.test(error.rpcMessage)) {
    return new InvalidRequestError(
      error.code,
      `${error.rpcMessage}: turn it on in the runtime's config.toml with [features] goals = true, or with new AsyncCodex({ config: { features: { goals: true } } })`,
      error.data,
      error.method,
      { cause: error },
    );
  }
  if (/ephemeral thread does not support goals/i.test(error.rpcMessage)) {
    return new InvalidRequestError(
      error.code,
      `${error.rpcMessage}: thread ${threadId} is ephemeral, so it is not persisted and cannot hold a goal; use a thread started without ephemeral: true`,
      error.data,
      error.method,
      { cause: error },
    );
  }
  return error;
}

/** A goal can start only on an idle thread: one with a running turn is refused before anything is sent. */
export function threadBusyForGoal(threadId: string, detail: string): CodexError {
  return new CodexError(`Thread ${threadId} is not idle (${detail}): a goal can start only on an idle thread. Wait for its turn to complete, or interrupt it, first`);
}
