import { StringDecoder } from "node:string_decoder";

/** What a {@link LineDecoder} calls back with. */
export interface LineDecoderCallbacks {
  /** One complete line, without its `\n` or `\r\n`. Blank lines are skipped. */
  line(text: string): void;
  /**
   * A line grew past the limit; it is dropped up to its end. Called once per such line, with the
   * length seen so far and the line's first {@link LINE_HEAD_LENGTH} characters (for a JSON
   * message, its method and ids), a copy that does not keep the line alive.
   */
  oversize(length: number, head: string): void;
}

/** How much of a dropped line is kept to say what it was. */
export const LINE_HEAD_LENGTH = 1024;

/**
 * Newline-delimited framing over a byte stream. Chunks may split a line anywhere, including in the
 * middle of a multi-byte UTF-8 character (the `StringDecoder` holds the partial bytes back).
 * Memory stays bounded: a line longer than `maxLineLength` characters is dropped, not buffered.
 */
export class LineDecoder {
  readonly #decoder = new StringDecoder("utf8");
  readonly #callbacks: LineDecoderCallbacks;
  readonly #maxLineLength: number;
  /**
   * The unfinished line, as the pieces that arrived. Kept apart and joined once per line: appending
   * to one string and then reading it (its length, its last character) flattens it on every
   * chunk, which made a 50 MB line cost ~12 s of copying.
   */
  #parts: string[] = [];
  #partsLength = 0;
  #dropping = false;

  constructor(callbacks: LineDecoderCallbacks, maxLineLength: number) {
    this.#callbacks = callbacks;
    this.#maxLineLength = maxLineLength;
  }

  write(chunk: Buffer): void {
    this.#consume(this.#decoder.write(chunk));
  }

  /** Flushes a last line that had no trailing newline. */
  end(): void {
    this.#consume(this.#decoder.end());
    const line = this.#takePartial("");
    if (!this.#dropping) this.#emit(line);
    this.#dropping = false;
  }

  #consume(text: string): void {
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      const line = this.#takePartial(text.slice(start, newline));
      if (this.#dropping) {
        this.#dropping = false;
      } else {
        this.#emit(line);
      }
      start = newline + 1;
    }
    if (this.#dropping || start === text.length) return;
    const rest = text.slice(start);
    this.#parts.push(rest);
    this.#partsLength += rest.length;
    // A trailing "\r" may be the first half of a "\r\n" ending split across chunks: not part of the line.
    const length = rest.endsWith("\r") ? this.#partsLength - 1 : this.#partsLength;
    if (length > this.#maxLineLength) {
      this.#callbacks.oversize(length, headOf(this.#parts));
      this.#takePartial("");
      this.#dropping = true;
    }
  }

  /** The unfinished line followed by `last`, and an empty one to start over. */
  #takePartial(last: string): string {
    const line = this.#parts.length === 0 ? last : this.#parts.join("") + last;
    this.#parts = [];
    this.#partsLength = 0;
    return line;
  }

  #emit(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.length > this.#maxLineLength) this.#callbacks.oversize(text.length, headOf([text]));
    else if (text.trim() !== "") this.#callbacks.line(text);
  }
}

/** The first {@link LINE_HEAD_LENGTH} characters of the pieces, copied out of them. */
function headOf(parts: readonly string[]): string {
  let head = "";
  for (const part of parts) {
    head += part.slice(0, LINE_HEAD_LENGTH - head.length);
    if (head.length >= LINE_HEAD_LENGTH) break;
  }
  // A slice of a huge string may point into it; a flattened copy does not.
  return Buffer.from(head, "utf8").toString("utf8");
}
