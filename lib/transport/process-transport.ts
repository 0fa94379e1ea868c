import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { AsyncQueue } from "../async-queue.js";
import { ProtocolError, TransportClosedError } from "../errors.js";
import { redactedPreview, redactSecrets } from "../redact.js";
import { LineDecoder } from "./line-decoder.js";
import { settlesWithin } from "./settles-within.js";
import { StderrTail } from "./stderr-tail.js";
import type { DroppedMessage, ErrorReporter, Transport } from "./transport.js";

/** How to start the runtime process and talk to it. */
export interface ProcessTransportOptions {
  /** Executable to spawn. */
  command: string;
  /** Its arguments. */
  args: readonly string[];
  /** The complete environment of the child. */
  env: NodeJS.ProcessEnv;
  /** Working directory of the child. Default: the current directory. */
  cwd?: string | undefined;
  /** Longest accepted line, in characters; longer lines are dropped and reported. Default: 64 MiB. */
  maxLineLength?: number | undefined;
  /** How long each close stage (stdin EOF, SIGTERM) may take before the next. Default: 2000 ms. */
  closeTimeoutMs?: number | undefined;
  /** Receives non-fatal problems such as non-JSON lines. Default: ignore them. */
  onError?: ErrorReporter | undefined;
  /** Told the start of every line dropped as too long, so whatever waited for that message can be ended. Default: none. */
  onDropped?: ((message: DroppedMessage) => void) | undefined;
}

/**
 * Talks newline-delimited JSON to a child process over stdin/stdout, keeps a bounded tail of its
 * stderr for error messages, and makes sure the child never outlives {@link ProcessTransport.close}.
 */
export class ProcessTransport implements Transport {
  readonly #options: ProcessTransportOptions;
  readonly #incoming = new AsyncQueue<unknown>();
  readonly #stderr = new StderrTail();
  #child: ChildProcessWithoutNullStreams | undefined;
  #exited: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #closedError: TransportClosedError | undefined;

  constructor(options: ProcessTransportOptions) {
    this.#options = options;
  }

  /** The child's pid once started (for diagnostics and tests). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get messages(): AsyncIterable<unknown> {
    return this.#incoming;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error("ProcessTransport.start() called twice");
    const { command, args, env, cwd } = this.#options;
    const child = spawn(command, args, { env, cwd, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once("close", (code, signal) => {
      this.#finish({ exitCode: code, signal, reason: this.#closing ? "closed by the client" : "the runtime exited" });
      resolve();
    }));
    const decoder = new LineDecoder(
      {
        line: (line) => this.#receiveLine(line),
        oversize: (length, head) => {
          this.#report(new ProtocolError(`Dropped a ${length}-character line from the runtime: longer than maxLineLength (${this.#maxLineLength})`));
          this.#options.onDropped?.({ head, length, limit: this.#maxLineLength });
        },
      },
      this.#maxLineLength,
    );
    child.stdout.on("data", (chunk: Buffer) => decoder.write(chunk));
    child.stdout.on("end", () => decoder.end());
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => this.#stderr.write(chunk));
    // A write to a dead child fails with EPIPE; the exit itself is what we report.
    child.stdin.on("error", () => {});
    try {
      await Promise.race([once(child, "spawn"), once(child, "error").then(([error]) => Promise.reject(error))]);
    } catch (error) {
      this.#exited = Promise.resolve();
      const closed = new TransportClosedError(
        { exitCode: null, signal: null, stderrTail: "", reason: `could not start ${command}: ${(error as Error).message}` },
        { cause: error },
      );
      this.#finish(closed);
      throw closed;
    }
  }

  send(message: object): void {
    const child = this.#child;
    if (this.#closedError) throw this.#closedError;
    if (!child || this.#closing) {
      throw new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: child ? "closed by the client" : "not started" });
    }
    child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  /**
   * Ends stdin (the runtime exits on EOF), then escalates to SIGTERM and SIGKILL, each after
   * `closeTimeoutMs`, so no runtime process outlives this call.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutDown();
    return this.#closing;
  }

  async #shutDown(): Promise<void> {
    const child = this.#child;
    const exited = this.#exited;
    if (!child || !exited || this.#closedError) {
      this.#finish({ exitCode: null, signal: null, reason: "closed by the client" });
      return exited;
    }
    const timeoutMs = this.#options.closeTimeoutMs ?? 2000;
    child.stdin.end();
    for (const signal of ["SIGTERM", "SIGKILL"] as const) {
      if (await settlesWithin(exited, timeoutMs)) return;
      child.kill(signal);
    }
    await exited;
  }

  get #maxLineLength(): number {
    return this.#options.maxLineLength ?? 64 * 1024 * 1024;
  }

  #receiveLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch (error) {
      // Nothing in the report may point into the line, or a 50 MB line would live as long as the
      // caller keeps the error: the preview is a copy, and so is the parser's error (V8's
      // SyntaxError keeps the text it failed on).
      const cause = new SyntaxError(redactSecrets((error as Error).message));
      this.#report(new ProtocolError(`The runtime wrote a line that is not JSON: ${redactedPreview(line)}`, {}, { cause }));
      return;
    }
    this.#incoming.push(message);
  }

  #finish(closed: TransportClosedError | Omit<ConstructorParameters<typeof TransportClosedError>[0], "stderrTail">): void {
    if (this.#closedError) return;
    this.#closedError = closed instanceof TransportClosedError ? closed : new TransportClosedError({ ...closed, stderrTail: this.#stderr.toString() });
    this.#incoming.fail(this.#closedError);
  }

  #report(error: Error): void {
    this.#options.onError?.(error);
  }
}
