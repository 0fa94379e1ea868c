/**
 * Errors of a running turn: a time limit passed, or its final response did not match its schema.
 *
 * @module
 */

import { CodexError } from "./codex-error.js";

/** Which limit a {@link TurnTimeoutError} reports: the idle watchdog or the wall-clock limit. */
export type TurnTimeoutLimit = "turnIdleTimeoutMs" | "turnTimeoutMs";

/**
 * A turn passed one of its time limits and the SDK interrupted it: it sent no notification for
 * `turnIdleTimeoutMs`, or it ran longer than `turnTimeoutMs` in all. {@link limit} says which.
 */
export class TurnTimeoutError extends CodexError {
  /** Always `"TurnTimeoutError"`. */
  override name = "TurnTimeoutError";
  /** The turn that was interrupted. */
  readonly turnId: string;
  /** The limit that fired: `"turnIdleTimeoutMs"` (silence) or `"turnTimeoutMs"` (total running time). */
  readonly limit: TurnTimeoutLimit;
  /** The value of that limit, in ms. */
  readonly timeoutMs: number;
  /**
   * The same as {@link timeoutMs}: how long the turn was silent for the idle limit, the total
   * limit for `turnTimeoutMs`.
   * @deprecated Read {@link timeoutMs} and {@link limit}; kept from when the idle watchdog was the only limit.
   */
  readonly idleMs: number;
  /** @param limit which limit fired; default `"turnIdleTimeoutMs"`, as before there were two. */
  constructor(turnId: string, timeoutMs: number, limit: TurnTimeoutLimit = "turnIdleTimeoutMs") {
    super(
      limit === "turnIdleTimeoutMs"
        ? `Turn ${turnId} sent nothing for ${timeoutMs} ms (turnIdleTimeoutMs); it was interrupted`
        : `Turn ${turnId} ran longer than ${timeoutMs} ms (turnTimeoutMs); it was interrupted`,
    );
    this.turnId = turnId;
    this.limit = limit;
    this.timeoutMs = timeoutMs;
    this.idleMs = timeoutMs;
  }
}

/** A turn's final response is not JSON, or not valid against the turn's `outputSchema`. */
export class StructuredOutputError extends CodexError {
  /** Always `"StructuredOutputError"`. */
  override name = "StructuredOutputError";
  /** The final response as the model wrote it. */
  readonly rawText: string;
  /** What did not match, by dotted path (empty when the text is not JSON at all). */
  readonly issues: ReadonlyArray<{
    /** Dotted path of the offending value; `""` for the whole answer. */
    path: string;
    /** What is wrong with it. */
    message: string;
  }>;
  constructor(message: string, rawText: string, issues: ReadonlyArray<{ path: string; message: string }>) {
    super(message);
    this.rawText = rawText;
    this.issues = issues;
  }
}
