import { TransportClosedError } from "../errors.js";
import type { TransportFactory } from "./local-runtime.js";
import { RuntimeServer, type RuntimeServerSpawn } from "./runtime-server.js";
import { settlesWithin } from "./settles-within.js";
import type { ErrorReporter, Transport } from "./transport.js";
import { WebSocketTransport } from "./websocket-transport.js";

/**
 * A factory whose every connection spawns its own listening runtime and talks WebSocket to it:
 * a stdio runtime's lifecycle (one runtime per connection, gone after `close()`, its exit reported
 * with code and signal) over `ws://` or `unix://`. For running the same code over every transport.
 */
export function runtimeServerTransport(spawn: RuntimeServerSpawn): TransportFactory {
  return ({ onError }) => new RuntimeServerTransport(spawn, onError);
}

class RuntimeServerTransport implements Transport {
  readonly #spawn: RuntimeServerSpawn;
  readonly #onError: ErrorReporter;
  #server: RuntimeServer | undefined;
  #socket: WebSocketTransport | undefined;

  constructor(spawn: RuntimeServerSpawn, onError: ErrorReporter) {
    this.#spawn = spawn;
    this.#onError = onError;
  }

  get pid(): number | undefined {
    return this.#server?.pid;
  }

  get messages(): AsyncIterable<unknown> {
    return this.#read();
  }

  async start(): Promise<void> {
    const server = await RuntimeServer.start(this.#spawn);
    this.#server = server;
    this.#socket = new WebSocketTransport({ url: server.url, bearerToken: () => Promise.resolve(server.token), onError: this.#onError, pid: server.pid });
    try {
      await this.#socket.start();
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  send(message: object): void {
    if (!this.#socket) throw new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "not started" });
    this.#socket.send(message);
  }

  async close(): Promise<void> {
    await this.#socket?.close();
    await this.#server?.close();
  }

  /** The socket's messages; when it drops because the runtime died, the error says how it died. */
  async *#read(): AsyncGenerator<unknown> {
    const { socket, server } = { socket: this.#socket, server: this.#server };
    if (!socket || !server) throw new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "not started" });
    try {
      yield* socket.messages;
    } catch (error) {
      if (!(await settlesWithin(server.exited, 250))) throw error;
      const { exitCode, signal } = await server.exited;
      throw new TransportClosedError({ exitCode, signal, stderrTail: server.stderrTail, reason: "the runtime exited" }, { cause: error });
    }
  }
}
