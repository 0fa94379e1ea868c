import assert from "node:assert/strict";
import { InvalidArgumentError } from "../../lib/errors.js";

/** Upper bound on any single wait, only to turn a hang into a failure. */
export const HANG_MS = 5000;

/** Resolves like `promise`, or rejects when it takes longer than `boundMs` (default {@link HANG_MS}). */
export async function within<T>(promise: Promise<T>, what: string, boundMs = HANG_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung waiting for ${what}`)), boundMs);
  });
  try {
    return await Promise.race([promise, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts that `run` throws an {@link InvalidArgumentError} naming `argument`, with `problem` in its message. */
export function assertInvalid(run: () => unknown, argument: string, problem: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.equal(error.argument, argument);
    assert.ok(error.message.startsWith(`${argument}: `), error.message);
    assert.match(error.message, problem);
    return true;
  });
}
