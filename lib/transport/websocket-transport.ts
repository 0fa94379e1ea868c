import type { ClientRequest, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type WebSocket from "ws";
import { AsyncQueue } from "../async-queue.js";
import { AuthenticationError, InvalidArgumentError, ProtocolError, TransportClosedError } from "../errors.js";
import { redactedPreview, redactSecrets } from "../redact.js";
import type { ErrorReporter, Transport } from "./transport.js";

/** The runtime drops the connection (no close frame) on a single frame over 16 MiB… */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** …and on a message (a sequence of fragments) over 64 MiB. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** Fragment size for messages over the frame limit: well under it. */
const FRAGMENT_BYTES = 4 * 1024 * 1024;

/** A byte stream carrying the WebSocket (a command's stdio), with what the transport can say about it. */
export interface WebSocketStream {
  /** The stream the WebSocket upgrade and frames travel over. */
  socket: Duplex;
  /** Why the stream ended, quoted in the close error (e.g. the command's stderr). */
  diagnostics(): { exitCode: number | null; signal: NodeJS.Signals | null; stderrTail: string };
  /** Ends the stream and what produces it. */
  close(): Promise<void>;
}

/** Options of a {@link WebSocketTransport}. */
export interface WebSocketTransportOptions {
  /**
   * Where the runtime listens: `ws://IP:PORT` (or `wss://`), or `unix:///absolute/path.sock`
   * (WebSocket over a Unix socket). Shown in errors, so it must hold no credentials.
   */
  url: string;
  /** Opens the byte stream to speak WebSocket over instead of dialling `url` (e.g. `codex app-server proxy` through SSH). */
  openStream?: (() => WebSocketStream) | undefined;
  /** The bearer token for this connection's upgrade, minted per connection. Default: none. */
  bearerToken?: (() => Promise<string | undefined>) | undefined;
  /** Largest message accepted from the runtime, in bytes. Default: 1 GiB (one item may carry a whole file). */
  maxPayload?: number | undefined;
  /** The client pings this often; no pong by the next ping means the connection is dead. Default: `15000`. */
  pingIntervalMs?: number | undefined;
  /** Longest the connection and upgrade may take, in ms. Default: `10000`. */
  connectTimeoutMs?: number | undefined;
  /**
   * For `wss://`: the PEM certificates of the authorities to trust, instead of Node's bundled
   * roots (as Node's `tls` `ca` option). Default: Node's roots (and `NODE_EXTRA_CA_CERTS`).
   */
  ca?: readonly string[] | undefined;
  /** Receives non-fatal problems such as non-JSON frames. Default: ignore them. */
  onError?: ErrorReporter | undefined;
  /** The pid of a runtime process behind this connection, when the caller runs one. */
  pid?: number | undefined;
}

/**
 * JSON-RPC over a WebSocket, one message per text frame, as `codex app-server --listen ws://…`,
 * `--listen unix://…` and `codex app-server proxy` speak it.
 *
 * The runtime never pings and never sends a close frame (every close is 1006), so the client pings
 * and judges a close by what was pending. It buffers without limit for a client that stops reading,
 * so this transport always reads, and it refuses locally what the runtime would answer by dropping
 * the connection: a message over 64 MiB (messages over 16 MiB go as fragments).
 */
export class WebSocketTransport implements Transport {
  readonly #options: WebSocketTransportOptions;
  readonly #incoming = new AsyncQueue<unknown>();
  #socket: WebSocket | undefined;
  #stream: WebSocketStream | undefined;
  #closing: Promise<void> | undefined;
  #closedError: TransportClosedError | undefined;
  #closed: Promise<void> | undefined;
  #pinger: NodeJS.Timeout | undefined;
  /** A ping went out and nothing came back since. */
  #awaitingPong = false;

  constructor(options: WebSocketTransportOptions) {
    this.#options = options;
  }

  get pid(): number | undefined {
    return this.#options.pid;
  }

  get messages(): AsyncIterable<unknown> {
    return this.#incoming;
  }

  async start(): Promise<void> {
    if (this.#socket) throw new Error("WebSocketTransport.start() called twice");
    const { url, openStream, connectTimeoutMs = 10_000 } = this.#options;
    let bearer: string | undefined;
    try {
      bearer = await this.#options.bearerToken?.();
    } catch (error) {
      throw this.#fail(`could not make the bearer token for ${url}`, error);
    }
    // Loaded on first use, not at import: `ws` costs ~25 ms to load, and most clients spawn stdio runtimes.
    const { default: WebSocket } = await import("ws");
    if (this.#closing) throw this.#fail("closed by the client");
    this.#stream = openStream?.();
    const socket = new WebSocket(openStream ? "ws://codex-app-server/" : dialUrl(url), {
      ...(bearer === undefined ? {} : { headers: { Authorization: `Bearer ${bearer}` } }),
      ...(this.#stream ? { createConnection: streamConnection(this.#stream.socket) } : {}),
      ...(this.#options.ca === undefined ? {} : { ca: [...this.#options.ca] }),
      maxPayload: this.#options.maxPayload ?? 1024 * 1024 * 1024,
      perMessageDeflate: false,
      handshakeTimeout: connectTimeoutMs,
      followRedirects: false,
    });
    this.#socket = socket;
    socket.binaryType = "nodebuffer";
    // A failed handshake emits its error, then close: start() reports the error, not the close.
    let connecting = true;
    this.#closed = new Promise((resolve) => socket.once("close", (code) => {
      if (!connecting) this.#finish(this.#closing ? "closed by the client" : `the connection to ${url} dropped (WebSocket close ${code})`);
      resolve();
    }));
    socket.on("message", (data, isBinary) => this.#receive(data as Buffer, isBinary));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("open", resolve);
        socket.once("error", reject);
        socket.once("close", (code) => reject(new Error(`the connection closed during the WebSocket handshake (close ${code})`)));
        socket.once("unexpected-response", (_request: ClientRequest, response: IncomingMessage) => void refusal(url, response).then(reject));
      });
    } catch (error) {
      socket.terminate();
      await this.#stream?.close();
      const closed = this.#fail(error instanceof AuthenticationError ? error.message : `could not connect to ${url}: ${connectProblem(error)}`, error);
      throw error instanceof AuthenticationError ? error : closed;
    } finally {
      connecting = false;
    }
    socket.on("error", (error) => this.#report(new ProtocolError(`WebSocket error on ${url}: ${error.message}`)));
    socket.on("pong", () => (this.#awaitingPong = false));
    this.#pinger = setInterval(() => this.#ping(), this.#options.pingIntervalMs ?? 15_000).unref();
  }

  send(message: object): void {
    const socket = this.#socket;
    if (this.#closedError) throw this.#closedError;
    if (!socket || this.#closing) throw new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: socket ? "closed by the client" : "not started" });
    const text = JSON.stringify(message);
    // Bytes are at most 3× UTF-16 units: only long texts need counting.
    const bytes = text.length * 3 <= MAX_FRAME_BYTES ? text.length : Buffer.byteLength(text);
    if (bytes <= MAX_FRAME_BYTES) {
      socket.send(text);
      return;
    }
    if (bytes > MAX_MESSAGE_BYTES) {
      const method = "method" in message && typeof message.method === "string" ? `the ${message.method} message` : "the message";
      throw new InvalidArgumentError(method, `is ${mebibytes(bytes)} of JSON, over the runtime's 64 MiB WebSocket message limit (it would drop the connection); not sent`);
    }
    const payload = Buffer.from(text);
    for (let offset = 0; offset < payload.length; offset += FRAGMENT_BYTES) {
      socket.send(payload.subarray(offset, offset + FRAGMENT_BYTES), { binary: false, fin: offset + FRAGMENT_BYTES >= payload.length });
    }
  }

  /** Closes the WebSocket (the runtime answers with no close frame, so it is then cut) and the stream under it. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      clearInterval(this.#pinger);
      const socket = this.#socket;
      if (socket && !this.#closedError) {
        socket.close(1000);
        const cut = setTimeout(() => socket.terminate(), 1000).unref();
        await this.#closed;
        clearTimeout(cut);
      }
      await this.#stream?.close();
      this.#finish("closed by the client");
    })();
    return this.#closing;
  }

  #ping(): void {
    const socket = this.#socket;
    if (!socket || socket.readyState !== socket.OPEN) return;
    if (this.#awaitingPong) {
      this.#finish(`the runtime at ${this.#options.url} did not answer a ping within ${this.#options.pingIntervalMs ?? 15_000} ms`);
      socket.terminate();
      return;
    }
    this.#awaitingPong = true;
    socket.ping();
  }

  #receive(data: Buffer, isBinary: boolean): void {
    // Any frame shows the peer alive, however long a big one took to arrive.
    this.#awaitingPong = false;
    if (isBinary) {
      this.#report(new ProtocolError(`The runtime sent a binary WebSocket frame (${data.length} bytes); ignored`));
      return;
    }
    const text = data.toString("utf8");
    try {
      this.#incoming.push(JSON.parse(text));
    } catch {
      this.#report(new ProtocolError(`The runtime sent a WebSocket frame that is not JSON: ${redactedPreview(text)}`));
    }
  }

  #fail(reason: string, cause?: unknown): TransportClosedError {
    this.#finish(reason, cause);
    return this.#closedError as TransportClosedError;
  }

  #finish(reason: string, cause?: unknown): void {
    if (this.#closedError) return;
    clearInterval(this.#pinger);
    const details = this.#stream?.diagnostics() ?? { exitCode: null, signal: null, stderrTail: "" };
    this.#closedError = new TransportClosedError({ ...details, reason }, cause === undefined ? undefined : { cause });
    this.#incoming.fail(this.#closedError);
  }

  #report(error: Error): void {
    this.#options.onError?.(error);
  }
}

/** `unix:///path.sock` becomes `ws`'s `ws+unix:///path.sock:/`; ws:// and wss:// stay. */
function dialUrl(url: string): string {
  return url.startsWith("unix://") ? `ws+unix://${url.slice("unix://".length)}:/` : url;
}

/** A `createConnection` for `ws` that hands it `stream`, with the socket methods it calls made harmless. */
function streamConnection(stream: Duplex): () => Duplex {
  const socket = stream as Duplex & Record<string, unknown>;
  for (const method of ["setTimeout", "setNoDelay", "setKeepAlive", "ref", "unref"]) {
    if (typeof socket[method] !== "function") socket[method] = () => socket;
  }
  return () => socket;
}

/** Node's codes for a certificate chain that leads to no trusted authority. */
const UNTRUSTED_CERTIFICATE = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "CERT_UNTRUSTED"]);

/** Why connecting failed; for an untrusted TLS certificate, with the option that fixes it. */
function connectProblem(error: unknown): string {
  const { message, code } = error as NodeJS.ErrnoException;
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) return `the server's TLS certificate is not trusted (${code}: ${message}); pass the certificate of the authority that signed it as remote.ca`;
  return message;
}

/** 401 and 403 are {@link AuthenticationError}s; anything else a plain error with the status. */
async function refusal(url: string, response: IncomingMessage): Promise<Error> {
  const status = response.statusCode ?? 0;
  let body = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => (body = (body + chunk).slice(0, 200)));
  await Promise.race([new Promise((resolve) => response.once("end", resolve).once("error", resolve)), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
  const said = redactSecrets(body.trim());
  if (status === 401 || status === 403) return new AuthenticationError(url, status, said);
  return new Error(`the runtime answered the upgrade with HTTP ${status}${said ? ` "${said}"` : ""}`);
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
