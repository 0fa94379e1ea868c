import pRetry, { type RetryContext } from "p-retry";
import { checkFunction, checkOptions, optionKeys } from "./arguments.js";
import { InvalidArgumentError, isRetryableError } from "./errors.js";

/** Options of {@link retryOnOverload}; the names are p-retry's. */
export interface RetryOptions {
  /** Retries after the first attempt. Default: `2` (3 attempts, as in the Python SDK). */
  retries?: number | undefined;
  /** Delay before the first retry, in ms. Default: `250`. */
  minTimeout?: number | undefined;
  /** Longest delay between attempts, in ms. Default: `2000`. */
  maxTimeout?: number | undefined;
  /** Growth factor of the delay. Default: `2`. */
  factor?: number | undefined;
  /** Multiply each delay by a random factor between 1 and 2 (jitter), so a burst of callers spreads out. Default: `true`. */
  randomize?: boolean | undefined;
  /** Stops retrying when aborted; the call rejects with `signal.reason`. */
  signal?: AbortSignal | undefined;
  /** Called after each failed attempt that will be retried, before the pause (not after the last attempt). */
  onFailedAttempt?: ((context: RetryContext) => void | Promise<void>) | undefined;
}

const RETRY_OPTION_KEYS = optionKeys<RetryOptions>()(["retries", "minTimeout", "maxTimeout", "factor", "randomize", "signal", "onFailedAttempt"]);

/**
 * Calls `fn` and retries it while it fails with an overload error (see `isRetryableError`:
 * `ServerBusyError`, -32001 "Server overloaded; retry later."), with exponential backoff and
 * jitter. Any other error is rethrown at once, unchanged: a bad parameter fails the same way twice.
 *
 * Retry only calls that are safe to repeat: a rejected request did not run, but a turn that failed
 * midway may already have done work.
 *
 * @example
 * ```ts
 * const models = await retryOnOverload(() => codex.models());
 * ```
 */
export async function retryOnOverload<T>(fn: (attemptNumber: number) => PromiseLike<T> | T, options: RetryOptions = {}): Promise<T> {
  // Defaults by destructuring, not by spreading `options` over them: an option passed as
  // `undefined` must keep our default, not fall through to p-retry's (10 retries, 1 s pauses).
  if (typeof fn !== "function") throw new InvalidArgumentError("fn", "must be a function that makes the call to retry");
  const { onFailedAttempt, retries = 2, minTimeout = 250, maxTimeout = 2000, factor = 2, randomize = true, signal } = checkOptions(options, RETRY_OPTION_KEYS);
  checkFunction(onFailedAttempt, "options.onFailedAttempt");
  return pRetry(fn, {
    retries,
    minTimeout,
    maxTimeout,
    factor,
    randomize,
    signal,
    // p-retry calls onFailedAttempt for every error, the last one included; report only the ones
    // that will be retried.
    onFailedAttempt: (context) => (isRetryableError(context.error) && context.retriesLeft > 0 ? onFailedAttempt?.(context) : undefined),
    shouldRetry: ({ error }) => isRetryableError(error),
  });
}
