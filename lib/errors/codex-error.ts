/**
 * The root of the SDK's error hierarchy (the tree is in `lib/errors.ts`).
 *
 * @module
 */

/** Options accepted by every {@link CodexError} constructor. */
export interface CodexErrorOptions {
  /** The underlying error, kept as the standard `cause`. */
  cause?: unknown;
}

/** Base class of every error the SDK throws. */
export class CodexError extends Error {
  /** Always `"CodexError"`. */
  override name = "CodexError";
  constructor(message: string, options?: CodexErrorOptions) {
    super(message, options);
  }
}
