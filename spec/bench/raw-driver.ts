/**
 * The floor the SDK is measured against: a minimal hand-written JSON-RPC client for
 * `codex app-server`. It does only what any client must (spawn the native binary, write one JSON
 * line per message, split stdout into lines, JSON.parse them, match responses by id) and nothing
 * an SDK adds (validation, timeouts, concurrency limits, routing to iterators, error types).
 *
 * @module
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";

/** How to start the runtime. */
export interface RawDriverOptions {
  command: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

interface RawMessage {
  id?: number;
  method?: string;
  result?: unknown;
  error?: { message?: string };
  params?: { turn?: { id?: string } };
}

/** The `thread/start` params `AsyncCodex.threadStart()` sends by default, so both sides ask the same. */
const THREAD_START_PARAMS = { approvalPolicy: "on-request", approvalsReviewer: "auto_review" };

/** One `codex app-server` process driven by hand. */
export class RawDriver {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  /** Turns someone waits for, by turn id. */
  readonly #turnWaiters = new Map<string, () => void>();
  /** Turns that completed before anyone waited for them. */
  readonly #completedTurns = new Set<string>();
  #nextId = 1;
  #partial = "";

  /** Spawns the runtime; the first request can be written at once. */
  constructor(options: RawDriverOptions) {
    this.#child = spawn(options.command, ["app-server"], { env: options.env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.#child.stdout.setEncoding("utf8");
    this.#child.stdout.on("data", (chunk: string) => this.#onData(chunk));
    // Drained and dropped: the floor keeps no log, but a full stderr pipe would block the runtime.
    this.#child.stderr.resume();
  }

  /** The runtime's process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a request and resolves with its result (rejects on an error response). */
  request(method: string, params?: unknown): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  /** Sends a notification. */
  notify(method: string): void {
    this.#child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`);
  }

  /** The handshake: `initialize`, then `initialized`. */
  async initialize(): Promise<void> {
    await this.request("initialize", { clientInfo: { name: "raw_driver", version: "0.0.0" }, capabilities: { experimentalApi: true } });
    this.notify("initialized");
  }

  /** Starts a thread and returns its id. */
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

  /** Ends stdin (the runtime exits on EOF) and waits for the process to be gone. */
  async close(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, "exit");
    this.#child.stdin.end();
    await exited;
  }

  #onData(chunk: string): void {
    let start = 0;
    for (let newline = chunk.indexOf("\n"); newline !== -1; newline = chunk.indexOf("\n", start)) {
      const line = this.#partial + chunk.slice(start, newline);
      this.#partial = "";
      start = newline + 1;
      if (line !== "") this.#onMessage(JSON.parse(line) as RawMessage);
    }
    this.#partial += chunk.slice(start);
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
    // Everything else is ignored; no server request (approval) arises, as the fake model calls no tool.
  }
}
