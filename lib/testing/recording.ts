/**
 * Record and replay: a recording transport keeps every message between the SDK and a real runtime,
 * as JSON lines a test can commit; a replay transport plays them back with no runtime at all, and
 * fails on the first message the code under test sends that the recording does not have.
 *
 * @module
 */

import { writeFile } from "node:fs/promises";
import { CodexError, TransportClosedError } from "../errors.js";
import { redactSecrets } from "../redact.js";
import { AsyncQueue } from "../async-queue.js";
import type { TransportFactory } from "../transport/local-runtime.js";
import type { Transport } from "../transport/transport.js";

/** One line of a recording: a message the client sent or the runtime sent, on the connection-th connection. */
export interface RecordedMessage {
  /** Which connection (runtime start) of the client it belongs to, from 1. */
  connection: number;
  /** Who sent it. */
  from: "client" | "runtime";
  /** The JSON-RPC message (secrets redacted). */
  message: Record<string, unknown>;
}

/**
 * Keeps every message of the connections it wraps. Pass `recording.wrap(factory)` as the
 * client's `transport`, run the code, then {@link Recording.save} the JSON lines.
 *
 * @example
 * ```ts
 * const recording = new Recording();
 * await using codex = new AsyncCodex({ transport: recording.wrap(transportFor({ codexHome })) });
 * await (await codex.threadStart()).run("Say hi");
 * await recording.save("spec/recordings/say-hi.jsonl");
 * ```
 */
export class Recording {
  readonly #messages: RecordedMessage[] = [];
  #connections = 0;

  /** Everything recorded so far, in order. */
  get messages(): readonly RecordedMessage[] {
    return this.#messages;
  }

  /** A factory whose transports are `inner`'s, with every message recorded. */
  wrap(inner: TransportFactory): TransportFactory {
    return (context) => {
      this.#connections += 1;
      return new RecordingTransport(inner(context), this.#connections, (entry) => this.#messages.push(entry));
    };
  }

  /** The recording as JSON lines (one {@link RecordedMessage} per line), secrets redacted. */
  toJsonLines(): string {
    return this.#messages.map((entry) => `${JSON.stringify(entry)}\n`).join("");
  }

  /** Writes {@link toJsonLines} to `path`. */
  save(path: string): Promise<void> {
    return writeFile(path, this.toJsonLines());
  }
}

class RecordingTransport implements Transport {
  readonly #inner: Transport;
  readonly #connection: number;
  readonly #keep: (entry: RecordedMessage) => void;

  constructor(inner: Transport, connection: number, keep: (entry: RecordedMessage) => void) {
    this.#inner = inner;
    this.#connection = connection;
    this.#keep = keep;
  }

  get pid(): number | undefined {
    return this.#inner.pid;
  }

  get messages(): AsyncIterable<unknown> {
    return this.#read();
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  send(message: object): void {
    this.#inner.send(message);
    this.#keep({ connection: this.#connection, from: "client", message: redacted(message) });
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  async *#read(): AsyncGenerator<unknown> {
    for await (const message of this.#inner.messages) {
      if (message !== null && typeof message === "object") this.#keep({ connection: this.#connection, from: "runtime", message: redacted(message) });
      yield message;
    }
  }
}

/** The code under test sent a message the recording does not have at that point. */
export class ReplayMismatchError extends CodexError {
  /** Always `"ReplayMismatchError"`. */
  override name = "ReplayMismatchError";
  /** The recorded line that was expected (`undefined` past the end of the recording). */
  readonly expected: string | undefined;
  /** The line that was sent. */
  readonly actual: string;
  constructor(line: number | undefined, expected: string | undefined, actual: string) {
    super(
      expected === undefined
        ? `The replay has no more client messages, but the client sent:\n  sent:     ${actual}`
        : `The client sent a message that differs from the recording (line ${line}):\n  recorded: ${expected}\n  sent:     ${actual}`,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A factory that plays a {@link Recording} back: the n-th connection replays the recording's n-th.
 * Each message the client sends must equal the next recorded client message (request ids aside,
 * and `clientInfo.version`, so upgrading the SDK keeps recordings valid); then the runtime's
 * recorded messages up to the next client message are delivered, with response ids mapped to the
 * client's. The first difference fails that send, and the connection, with a
 * {@link ReplayMismatchError} showing both lines. The code under test must make its calls in a
 * deterministic order.
 *
 * @param jsonLines the content of a file written by {@link Recording.save}.
 * @example
 * ```ts
 * const codex = new AsyncCodex({ transport: replayTransport(await readFile("spec/recordings/say-hi.jsonl", "utf8")) });
 * const result = await (await codex.threadStart()).run("Say hi"); // no runtime process
 * ```
 */
export function replayTransport(jsonLines: string): TransportFactory {
  const entries = jsonLines
    .split("\n")
    .map((line, index) => ({ line: index + 1, text: line }))
    .filter(({ text }) => text.trim() !== "")
    .map(({ line, text }) => ({ line, ...(JSON.parse(text) as RecordedMessage) }));
  let connections = 0;
  return () => {
    connections += 1;
    const connection = connections;
    return new ReplayTransport(entries.filter((entry) => entry.connection === connection));
  };
}

type Entry = RecordedMessage & { line: number };

class ReplayTransport implements Transport {
  readonly #entries: Entry[];
  readonly #incoming = new AsyncQueue<unknown>();
  /** Recorded request id → the id the client used for it. */
  readonly #ids = new Map<unknown, unknown>();
  #next = 0;
  #closed: Error | undefined;

  constructor(entries: Entry[]) {
    this.#entries = entries;
  }

  get messages(): AsyncIterable<unknown> {
    return this.#incoming;
  }

  async start(): Promise<void> {
    this.#deliverRuntimeMessages();
  }

  send(message: object): void {
    if (this.#closed) throw this.#closed;
    const expected = this.#entries[this.#next];
    const sent = redacted(message);
    if (!expected || expected.from !== "client" || comparable(expected.message) !== comparable(sent)) {
      const error = new ReplayMismatchError(expected?.line, expected ? JSON.stringify(expected.message) : undefined, JSON.stringify(sent));
      this.#closed = error;
      // Later: the diverging call rejects with this error first, then the connection closes.
      const closed = new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: `the replay diverged: ${error.message}` }, { cause: error });
      setImmediate(() => this.#incoming.fail(closed));
      throw error;
    }
    if ("id" in expected.message && "method" in expected.message) this.#ids.set(expected.message.id, sent.id);
    this.#next += 1;
    // Later, as a runtime would answer: never from inside the client's own send.
    setImmediate(() => this.#deliverRuntimeMessages());
  }

  async close(): Promise<void> {
    const closed = new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "closed by the client" });
    this.#closed ??= closed;
    this.#incoming.fail(closed);
  }

  #deliverRuntimeMessages(): void {
    for (let entry = this.#entries[this.#next]; entry?.from === "runtime" && !this.#closed; entry = this.#entries[this.#next]) {
      this.#next += 1;
      const message = structuredClone(entry.message);
      // A response: to the id the client used for the recorded request.
      if (!("method" in message) && this.#ids.has(message.id)) message.id = this.#ids.get(message.id);
      this.#incoming.push(message);
    }
  }
}

/** The message with secrets redacted, as a recording keeps it. */
function redacted(message: object): Record<string, unknown> {
  return JSON.parse(redactSecrets(JSON.stringify(message))) as Record<string, unknown>;
}

/** The parts of a client message a replay compares: all but a request's id and the SDK version, keys sorted. */
function comparable(message: Record<string, unknown>): string {
  const { id: _id, ...rest } = message;
  return canonical("method" in message ? rest : message, []);
}

function canonical(value: unknown, path: string[]): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item, path)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([key]) => !(key === "version" && path.at(-1) === "clientInfo"))
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item, [...path, key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
