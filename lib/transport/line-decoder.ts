import { StringDecoder } from "node:string_decoder";

/** What a {@link LineDecoder} calls back with. */
export interface LineDecoderCallbacks {
  /** One complete line, without its `\n` or `\r\n`. Blank lines are skipped. */
  line(text: string): void;
  /** A line grew past the limit; it is dropped up to its end. Called once per such line. */
  oversize(length: number): void;
}

/**
 * Newline-delimited framing over a byte stream. Chunks may split a line anywhere, including in the
 * middle of a multi-byte UTF-8 character (the `StringDecoder` holds the partial bytes back).
 * Memory stays bounded: a line longer than `maxLineLength` characters is dropped, not buffered.
 */
export class LineDecoder {
  readonly #decoder = new StringDecoder("utf8");
  readonly #callbacks: LineDecoderCallbacks;
  readonly #maxLineLength: number;
  #partial = "";
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
    if (!this.#dropping) this.#emit(this.#partial);
    this.#partial = "";
    this.#dropping = false;
  }

  #consume(text: string): void {
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      if (this.#dropping) {
        this.#dropping = false;
      } else {
        this.#emit(this.#partial + text.slice(start, newline));
      }
      this.#partial = "";
      start = newline + 1;
    }
    if (this.#dropping || start === text.length) return;
    this.#partial += text.slice(start);
    // A trailing "\r" may be the first half of a "\r\n" ending split across chunks: not part of the line.
    const length = this.#partial.endsWith("\r") ? this.#partial.length - 1 : this.#partial.length;
    if (length > this.#maxLineLength) {
      this.#callbacks.oversize(length);
      this.#partial = "";
      this.#dropping = true;
    }
  }

  #emit(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.length > this.#maxLineLength) this.#callbacks.oversize(text.length);
    else if (text.trim() !== "") this.#callbacks.line(text);
  }
}
