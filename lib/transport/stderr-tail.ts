import { redactSecrets } from "../redact.js";
import { stripAnsi } from "../runtime-stderr.js";

/**
 * Keeps the last lines a process wrote to stderr, bounded in lines and characters, so an error
 * can quote why the runtime died without the SDK holding an unbounded log. Lines are kept with
 * secrets redacted and ANSI colour codes stripped.
 */
export class StderrTail {
  readonly #maxLines: number;
  readonly #maxChars: number;
  #lines: string[] = [];
  #partial = "";

  constructor(maxLines = 40, maxChars = 8192) {
    this.#maxLines = maxLines;
    this.#maxChars = maxChars;
  }

  write(chunk: string): void {
    const parts = (this.#partial + chunk).split("\n");
    // The unfinished line stays unredacted while it fits: a secret in it may still be incomplete.
    const partial = parts.pop() ?? "";
    this.#partial = partial.length > this.#maxChars ? redactSecrets(partial).slice(-this.#maxChars) : partial;
    // Redact before cutting: a cut through a secret leaves a tail the patterns no longer recognise.
    for (const line of parts) if (line.trim() !== "") this.#lines.push(redactSecrets(stripAnsi(line)).slice(-this.#maxChars));
    if (this.#lines.length > this.#maxLines) this.#lines = this.#lines.slice(-this.#maxLines);
  }

  /** The tail as text (at most `maxLines` lines and `maxChars` characters), secrets redacted. */
  toString(): string {
    const lines = this.#partial.trim() === "" ? this.#lines : [...this.#lines, redactSecrets(stripAnsi(this.#partial))];
    return lines.slice(-this.#maxLines).join("\n").slice(-this.#maxChars);
  }
}
