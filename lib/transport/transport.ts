/**
 * A bidirectional channel of JSON-RPC messages to a Codex runtime. The RPC layer depends only on
 * this interface, so it cannot tell a child process on stdio from a remote runtime. Implement it to
 * reach a runtime some other way, and pass `transport: (context) => new MyTransport(context)`.
 *
 * @example
 * ```ts
 * import { AsyncCodex, type Transport, type TransportFactory, transportFor } from "codex-app-sdk";
 *
 * // A transport that counts what the client sends, around the one AsyncCodex would use.
 * const counting = (inner: TransportFactory, counter: { sent: number }): TransportFactory => (context) => {
 *   const transport: Transport = inner(context);
 *   return {
 *     start: () => transport.start(),
 *     send: (message) => { counter.sent += 1; transport.send(message); },
 *     messages: transport.messages,
 *     close: () => transport.close(),
 *   };
 * };
 * const codex = new AsyncCodex({ transport: counting(transportFor(), { sent: 0 }) });
 * ```
 */
export interface Transport {
  /**
   * Opens the channel. Rejects with a `TransportClosedError` when it cannot be opened, or an
   * `AuthenticationError` when a remote runtime refuses the credentials.
   */
  start(): Promise<void>;

  /**
   * Sends one message. Never blocks: the transport buffers what the peer has not read yet.
   * Throws `TransportClosedError` once the channel is closed, or `InvalidArgumentError` for a
   * message the channel cannot carry (nothing is sent, and the channel stays open).
   */
  send(message: object): void;

  /**
   * Incoming messages, parsed, in arrival order; iterate once. Malformed input is reported through
   * the transport's `onError` option and skipped. The iteration ends by throwing the
   * `TransportClosedError` that describes why the channel closed (including a requested `close()`).
   */
  readonly messages: AsyncIterable<unknown>;

  /** Closes the channel and releases everything it holds. Idempotent; resolves once fully closed. */
  close(): Promise<void>;

  /** The pid of a runtime process this transport runs, when it runs one (for diagnostics). */
  readonly pid?: number | undefined;
}

/** Receives problems a transport or peer survives (a non-JSON line, a reply to no request). */
export type ErrorReporter = (error: Error) => void;

/** An incoming message a transport dropped because it was too long to read. */
export interface DroppedMessage {
  /** Its first characters (for a JSON-RPC message, its method and ids come first). */
  head: string;
  /** Its length as far as it was read, in characters. */
  length: number;
  /** The limit it passed (`maxLineLength`). */
  limit: number;
}
