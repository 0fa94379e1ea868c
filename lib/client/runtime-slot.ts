import { raceAbort } from "../abort.js";
import { TransportClosedError } from "../errors.js";
import { type Connection, type ConnectionSettings, openConnection } from "./connection.js";

/**
 * The client's current runtime: opened on the first call that needs it, started once however many
 * calls wait for it, and forgotten when it closes, so the next call starts a fresh one.
 */
export class RuntimeSlot {
  readonly #settings: ConnectionSettings;
  readonly #onClosed: (error: TransportClosedError) => void;
  #connecting: Promise<Connection> | undefined;
  /** Gives up the start in progress (`#connecting`), so `close()` never waits on a runtime that does not answer. */
  #stopStart: AbortController | undefined;
  #connection: Connection | undefined;

  /** @param onClosed called when the current runtime goes away by itself (not at `close()`). */
  constructor(settings: ConnectionSettings, onClosed: (error: TransportClosedError) => void) {
    this.#settings = settings;
    this.#onClosed = onClosed;
  }

  /** The running runtime, once its start finished. */
  get current(): Connection | undefined {
    return this.#connection;
  }

  /** The current runtime, starting one if none runs. */
  connect(signal: AbortSignal | undefined): Promise<Connection> {
    // Checked first: a call cancelled before it began must not spawn a runtime.
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#connecting) {
      const stopStart = new AbortController();
      const connecting = openConnection(this.#settings, (connection, error) => this.#closed(connection, error), stopStart.signal);
      this.#connecting = connecting;
      this.#stopStart = stopStart;
      connecting.then(
        (connection) => {
          if (this.#connecting === connecting) this.#connection = connection;
        },
        () => {
          if (this.#connecting === connecting) this.#connecting = undefined;
        },
      );
    }
    return raceAbort(this.#connecting, signal);
  }

  /**
   * Stops the runtime (also one still starting) and waits until its process is gone.
   *
   * @returns the error that closed the connection, when one was open.
   */
  async close(): Promise<TransportClosedError | undefined> {
    const connecting = this.#connecting;
    this.#connecting = undefined;
    this.#connection = undefined;
    // Without this, a runtime stuck before answering `initialize` would keep close() (and the
    // process) waiting for requestTimeoutMs. Calls waiting for that start reject with this error.
    this.#stopStart?.abort(new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "closed by the client while the runtime was starting" }));
    this.#stopStart = undefined;
    const connection = await connecting?.catch(() => undefined);
    await connection?.peer.close();
    return connection?.peer.closedError;
  }

  /** The runtime went away: the next call starts a fresh one. */
  #closed(connection: Connection, error: TransportClosedError): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    this.#connecting = undefined;
    this.#onClosed(error);
  }
}
