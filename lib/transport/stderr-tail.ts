import { redactSecrets } from "../redact.js";

/**
 * Keeps the last lines a process wrote to stderr, bounded in lines and characters, so an error
 * can quote why the runtime died without the SDK holding an unbounded log.
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
    this.#partial = (parts.pop() ?? "").slice(-this.#maxChars);
    for (const line of parts) if (line.trim() !== "") this.#lines.push(line.slice(-this.#maxChars));
    if (this.#lines.length > this.#maxLines) this.#lines = this.#lines.slice(-this.#maxLines);
  }

  /** The tail as text, secrets redacted. */
  toString(): string {
    const lines = this.#partial.trim() === "" ? this.#lines : [...this.#lines, this.#partial];
    return redactSecrets(lines.join("\n").slice(-this.#maxChars));
  }
}
