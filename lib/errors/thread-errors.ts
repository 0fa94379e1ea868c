/**
 * A thread this call cannot have: busy with a turn the call did not start, or held by a runtime
 * outside the pool.
 *
 * @module
 */

import { CodexError, type CodexErrorOptions } from "./codex-error.js";
import { InvalidRequestError } from "./json-rpc-errors.js";

/**
 * The runtime answered a `turn/start` with a turn that was already running: one this client routes
 * already, or one it did not start (another client, or the runtime itself, e.g. for a goal). The
 * runtime joined the input into that turn; the SDK made no second handle for it. Add input to a
 * running turn with `turn.steer()`; the SDK itself queues its own turns on a thread in call order.
 */
export class ThreadBusyError extends CodexError {
  /** Always `"ThreadBusyError"`. */
  override name = "ThreadBusyError";
  /** The thread whose turn/start was joined. */
  readonly threadId: string;
  /** The turn running on it, whose id the runtime answered with. */
  readonly activeTurnId: string;
  constructor(threadId: string, activeTurnId: string) {
    super(`Thread ${threadId} is busy with turn ${activeTurnId}, which this call did not start: the runtime joined the input into it. Wait for that turn to complete, or steer it`);
    this.threadId = threadId;
    this.activeTurnId = activeTurnId;
  }
}

/**
 * `CodexPool.threadResume` (or a failover) found the thread loaded by a runtime that is not a
 * member of the pool: the runtime answered "thread … already has an active writer". A thread has
 * one writer runtime at a time; resume it once that runtime unloaded it, or `threadFork` it.
 */
export class ThreadOwnedElsewhereError extends CodexError {
  /** Always `"ThreadOwnedElsewhereError"`. */
  override name = "ThreadOwnedElsewhereError";
  /** The thread that another runtime holds. */
  readonly threadId: string;
  constructor(threadId: string, options?: CodexErrorOptions) {
    super(`Thread ${threadId} is held by a runtime outside this pool (it already has an active writer); fork it, or resume it once that runtime unloaded it`, options);
    this.threadId = threadId;
  }

  /** Whether `error` is the runtime's refusal to resume a thread another runtime holds. */
  static isActiveWriterRefusal(error: unknown): boolean {
    return error instanceof InvalidRequestError && /already has an active writer/i.test(error.rpcMessage);
  }
}
