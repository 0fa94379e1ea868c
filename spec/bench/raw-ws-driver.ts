/**
 * The floor for remote runtimes: a minimal hand-written JSON-RPC client over WebSocket (`ws`), one
 * JSON message per text frame, with nothing an SDK adds (validation, timeouts, routing, pings,
 * size checks). Speaks to `ws://` with a bearer token, or `unix://` through `ws+unix`.
 *
 * @module
 */

import WebSocket from "ws";

interface RawMessage {
  id?: number;
  method?: string;
  result?: unknown;
  error?: { message?: string };
  params?: { turn?: { id?: string } };
}

/** The `thread/start` params `AsyncCodex.threadStart()` sends by default, so both sides ask the same. */
const THREAD_START_PARAMS = { approvalPolicy: "on-request", approvalsReviewer: "auto_review" };

/** One WebSocket connection to a running runtime, driven by hand. */
export class RawWsDriver {
  readonly #socket: WebSocket;
  readonly #pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  readonly #turnWaiters = new Map<string, () => void>();
  readonly #completedTurns = new Set<string>();
  #nextId = 1;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on("message", (data) => this.#onMessage(JSON.parse(String(data)) as RawMessage));
  }

  /** Connects and runs `initialize` / `initialized`. */
  static async connect(url: string, token: string | undefined): Promise<RawWsDriver> {
    const address = url.startsWith("unix://") ? `ws+unix://${url.slice("unix://".length)}:/` : url;
    const socket = new WebSocket(address, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` }, perMessageDeflate: false, maxPayload: 1024 * 1024 * 1024 });
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const driver = new RawWsDriver(socket);
    await driver.request("initialize", { clientInfo: { name: "raw_ws_driver", version: "0.0.0" }, capabilities: { experimentalApi: true } });
    socket.send(JSON.stringify({ jsonrpc: "2.0", method: "initialized" }));
    return driver;
  }

  request(method: string, params?: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    });
  }

  async threadStart(): Promise<string> {
    const result = (await this.request("thread/start", THREAD_START_PARAMS)) as { thread: { id: string } };
    return result.thread.id;
  }

  /** `turn/start`, then waits for that turn's `turn/completed`. */
  async runTurn(threadId: string, text: string): Promise<void> {
    const result = (await this.request("turn/start", { threadId, input: [{ type: "text", text, text_elements: [] }] })) as { turn: { id: string } };
    const turnId = result.turn.id;
    if (this.#completedTurns.delete(turnId)) return;
    await new Promise<void>((resolve) => this.#turnWaiters.set(turnId, resolve));
  }

  close(): void {
    this.#socket.terminate();
  }

  #onMessage(message: RawMessage): void {
    if (message.method === undefined && message.id !== undefined) {
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) pending?.reject(new Error(message.error.message ?? "JSON-RPC error"));
      else pending?.resolve(message.result);
    } else if (message.method === "turn/completed") {
      const turnId = message.params?.turn?.id;
      if (turnId === undefined) return;
      const waiter = this.#turnWaiters.get(turnId);
      this.#turnWaiters.delete(turnId);
      if (waiter) waiter();
      else this.#completedTurns.add(turnId);
    }
  }
}
