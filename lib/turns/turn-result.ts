import { CodexError } from "../errors.js";
import type { CodexErrorInfo, ThreadItem, ThreadTokenUsage, TurnError } from "../protocol/generated/v2/index.js";

/**
 * Everything a finished turn produced, collected from its notifications.
 *
 * `items` are the turn's `item/completed` items in order: `turn/completed.turn.items` is only a
 * summary, so do not read items from there.
 */
export interface TurnResult<Output = undefined> {
  /** The turn id. */
  id: string;
  /** The thread the turn ran on. */
  threadId: string;
  /** `"completed"` or `"interrupted"`; a failed turn makes `run()` throw {@link TurnFailedError} instead. */
  status: "completed" | "interrupted";
  /** Why the turn failed or was interrupted, when the runtime says. */
  error: TurnError | null;
  /** Unix time in seconds when the turn started. */
  startedAt: number | null;
  /** Unix time in seconds when the turn completed. */
  completedAt: number | null;
  /** How long the turn took, in ms. */
  durationMs: number | null;
  /**
   * The answer: the last agent message with phase `final_answer`, else the last agent message
   * with no phase, else `null`. An empty message stays `""`.
   */
  finalResponse: string | null;
  /** Every item the turn completed, in order. */
  items: ThreadItem[];
  /** Token usage as of the turn's last `thread/tokenUsage/updated`, or `null` if none came. */
  usage: ThreadTokenUsage | null;
  /**
   * With an `outputSchema`: the final response parsed as JSON, validated and typed by a valibot
   * schema. Without one: `undefined`.
   */
  output: Output;
}

/** What a failed turn produced: a {@link TurnResult} with status `"failed"`, held by {@link TurnFailedError}. */
export type FailedTurnResult = Omit<TurnResult<unknown>, "status"> & {
  /** Always `"failed"`. */
  status: "failed";
};

/** A turn ended with status `"failed"`: the model call failed, or the runtime gave up. */
export class TurnFailedError extends CodexError {
  /** Always `"TurnFailedError"`. */
  override name = "TurnFailedError";
  /** The failed turn's result, with whatever items it completed. */
  readonly result: FailedTurnResult;
  /** The runtime's classification of the failure, e.g. `"internalServerError"` or `{ httpConnectionFailed: … }`. */
  readonly codexErrorInfo: CodexErrorInfo | null;

  constructor(result: FailedTurnResult) {
    super(`Turn ${result.id} failed: ${result.error?.message ?? "no error message from the runtime"}`);
    this.result = result;
    this.codexErrorInfo = result.error?.codexErrorInfo ?? null;
  }
}

/** Picks the final response from a turn's items (see {@link TurnResult.finalResponse}). */
export function finalResponse(items: readonly ThreadItem[]): string | null {
  let unphased: string | null = null;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item?.type !== "agentMessage") continue;
    if (item.phase === "final_answer") return item.text;
    if ((item.phase ?? null) === null && unphased === null) unphased = item.text;
  }
  return unphased;
}
