/**
 * The local error: a caller's argument was refused before anything was sent.
 *
 * @module
 */

import { CodexError } from "./codex-error.js";

/** A caller passed an argument the SDK cannot send. Nothing reached the runtime. */
export class InvalidArgumentError extends CodexError {
  /** Always `"InvalidArgumentError"`. */
  override name = "InvalidArgumentError";
  /** The argument that was wrong, e.g. `"options.sandbox"`. */
  readonly argument: string;
  constructor(argument: string, problem: string) {
    super(`${argument}: ${problem}`);
    this.argument = argument;
  }
}
