import type { GenericSchema } from "valibot";
import { AsyncQueue } from "../async-queue.js";
import { CodexError, InvalidArgumentError, TransportClosedError } from "../errors.js";
import type {
  GetAccountResponse,
  ModelListResponse,
  ThreadListParams,
  ThreadListResponse,
} from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { ChatgptLoginResponseSchema, DeviceCodeLoginResponseSchema, FileContentSchema, ObjectSchema, ThreadResponseSchema, validate } from "../protocol/schemas.js";
import { raceAbort } from "../abort.js";
import { ApprovalMode } from "../server-requests/approval-mode.js";
import { type CodexMetadata, type Connection, type ConnectionSettings, openConnection } from "./connection.js";
import { describe } from "../arguments.js";
import { ChatgptLoginHandle, DeviceCodeLoginHandle, LoginCompletions } from "./login.js";
import { type AsyncCodexOptions, resolveOptions } from "./options.js";
import type { CallOptions, Session } from "../session.js";
import { Thread } from "../threads/thread.js";
import { startTurn, type TurnLimits } from "../turns/start-turn.js";
import { startGoal } from "../goals/start-goal.js";
import { type ThreadOptions, threadParams } from "../threads/thread-options.js";
import { type ThreadInfo, ThreadTools, toolSetOption } from "../tools/thread-tools.js";
import type { ToolSet } from "../tools/tool-set.js";

/**
 * The Codex runtime (`codex app-server`) as an async API. Construction does no I/O: the first
 * awaited call starts the runtime and runs the `initialize` handshake, and concurrent first calls
 * share one start. Close it when done (`await codex.close()`, or `await using`) so no process is
 * left behind; a call after `close()` starts a fresh runtime.
 *
 * @example
 * ```ts
 * await using codex = new AsyncCodex();
 * const thread = await codex.threadStart();
 * const result = await thread.run("Say hi");
 * process.stdout.write(`${result.finalResponse}\n`);
 * ```
 */
export class AsyncCodex implements AsyncDisposable {
  readonly #settings: ConnectionSettings;
  /** Listeners of `notifications()`, each with what detaches it (from this client and from its signal). */
  readonly #subscribers = new Map<AsyncQueue<Notification>, () => void>();
  readonly #session: Session;
  readonly #logins = new LoginCompletions();
  /** The client's defaults of `turnIdleTimeoutMs` and `turnTimeoutMs`. */
  readonly #turnLimits: TurnLimits;
  readonly #threadTools = new ThreadTools();
  #connecting: Promise<Connection> | undefined;
  /** Gives up the start in progress (`#connecting`), so `close()` never waits on a runtime that does not answer. */
  #stopStart: AbortController | undefined;
  #connection: Connection | undefined;

  /** @throws {InvalidArgumentError} for an invalid option, before anything is spawned. */
  constructor(options: AsyncCodexOptions = {}) {
    const { turnIdleTimeoutMs, turnTimeoutMs, ...settings } = resolveOptions(options);
    this.#turnLimits = { idleTimeoutMs: turnIdleTimeoutMs, timeoutMs: turnTimeoutMs };
    this.#settings = {
      ...settings,
      threadTools: this.#threadTools,
      onNotification: (notification) => {
        this.#logins.observe(notification);
        this.#broadcast(notification);
      },
    };
    this.#session = {
      request: (method, params, schema, call) => this.#request(method, params, schema, call),
      startTurn: async (params, call = {}) => startTurn(await this.#connect(call.signal), this.#session, params, call, this.#turnLimits),
      startGoal: async (threadId, objective, goalOptions) => startGoal(await this.#connect(goalOptions.signal), this.#session, threadId, objective, goalOptions, this.#turnLimits),
      reportError: settings.onError,
    };
  }

  /**
   * What the running runtime reported at `initialize`.
   * @throws {CodexError} before the runtime has started.
   */
  get metadata(): CodexMetadata {
    if (!this.#connection) {
      throw new CodexError("AsyncCodex has not started the runtime yet: await codex.start() (or any call) first");
    }
    return this.#connection.metadata;
  }

  /** The pid of the running runtime process, or `undefined` when none is running. */
  get pid(): number | undefined {
    return this.#connection?.pid;
  }

  /** Routing entries the current runtime holds for turns (0 when no turn is running or pending). */
  get activeTurnRoutes(): number {
    return this.#connection?.router.size ?? 0;
  }

  /** Starts the runtime now instead of on the first call. Idempotent. */
  async start(options: CallOptions = {}): Promise<void> {
    await this.#connect(options.signal);
  }

  /** Stops the runtime and waits until its process is gone. Idempotent; open turns fail with `TransportClosedError`. */
  async close(): Promise<void> {
    const connecting = this.#connecting;
    this.#connecting = undefined;
    this.#connection = undefined;
    // Without this, a runtime stuck before answering `initialize` would keep close() (and the
    // process) waiting for requestTimeoutMs. Calls waiting for that start reject with this error.
    this.#stopStart?.abort(new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "closed by the client while the runtime was starting" }));
    this.#stopStart = undefined;
    // Detached too, not only ended: a listener ended here never calls return(), and its abort
    // listener would otherwise stay on a long-lived signal.
    for (const [subscriber, detach] of this.#subscribers) {
      detach();
      subscriber.end();
    }
    const connection = await connecting?.catch(() => undefined);
    await connection?.peer.close();
    if (connection?.peer.closedError) this.#logins.failAll(connection.peer.closedError);
  }

  /** Same as {@link close}, for `await using codex = new AsyncCodex()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Notifications that belong to no turn handle (`thread/started`, `warning`, `account/*`, …), from
   * the moment of this call until the signal aborts, `break`, or `close()`. Nothing is buffered for
   * a listener that does not exist yet.
   */
  notifications(options: CallOptions = {}): AsyncIterable<Notification> {
    const { signal } = options;
    const detach = (): void => {
      this.#subscribers.delete(queue);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      detach();
      queue.abort(signal?.reason);
    };
    const queue: AsyncQueue<Notification> = new AsyncQueue(detach);
    if (signal?.aborted) queue.fail(signal.reason);
    else {
      this.#subscribers.set(queue, detach);
      signal?.addEventListener("abort", onAbort, { once: true });
    }
    return queue;
  }

  /** Lists the models the runtime offers (`model/list`). */
  models(options: CallOptions & { includeHidden?: boolean } = {}): Promise<ModelListResponse> {
    const { includeHidden = false, ...call } = options;
    return this.#request("model/list", { includeHidden }, ObjectSchema, call);
  }

  /** Reads the signed-in account (`account/read`). */
  account(options: CallOptions & { refreshToken?: boolean } = {}): Promise<GetAccountResponse> {
    const { refreshToken = false, ...call } = options;
    return this.#request("account/read", { refreshToken }, ObjectSchema, call);
  }

  /** Signs in with an API key. The key travels only inside the JSON-RPC request: never argv, environment or logs. */
  async loginApiKey(apiKey: string, options: CallOptions = {}): Promise<void> {
    if (typeof apiKey !== "string" || apiKey.trim() === "") throw new InvalidArgumentError("apiKey", "must be a non-empty string");
    await this.#request("account/login/start", { type: "apiKey", apiKey }, ObjectSchema, options);
  }

  /**
   * Starts a browser login to ChatGPT: open the handle's `authUrl`, then `await handle.wait()`.
   *
   * @example
   * ```ts
   * const login = await codex.loginChatgpt();
   * process.stdout.write(`Open ${login.authUrl}\n`);
   * const { success } = await login.wait({ signal: AbortSignal.timeout(300_000) });
   * ```
   */
  async loginChatgpt(options: CallOptions = {}): Promise<ChatgptLoginHandle> {
    const response = await this.#request<{ loginId: string; authUrl: string }>("account/login/start", { type: "chatgpt" }, ChatgptLoginResponseSchema, options);
    return new ChatgptLoginHandle(this.#session, this.#logins, response.loginId, response.authUrl);
  }

  /** Starts a device-code login: show the handle's `userCode` and `verificationUrl`, then `await handle.wait()`. */
  async loginChatgptDeviceCode(options: CallOptions = {}): Promise<DeviceCodeLoginHandle> {
    const response = await this.#request<{ loginId: string; verificationUrl: string; userCode: string }>(
      "account/login/start",
      { type: "chatgptDeviceCode" },
      DeviceCodeLoginResponseSchema,
      options,
    );
    return new DeviceCodeLoginHandle(this.#session, this.#logins, response.loginId, response.verificationUrl, response.userCode);
  }

  /** Signs out (`account/logout`). */
  async logout(options: CallOptions = {}): Promise<void> {
    await this.#request("account/logout", undefined, ObjectSchema, options);
  }

  /**
   * Starts a new thread. Approval mode defaults to `ApprovalMode.autoReview`. Its `tools` are
   * declared now, for good: the runtime never takes another tool set for the thread.
   */
  async threadStart(options: ThreadOptions = {}): Promise<Thread> {
    const params = threadParams(options, { approvalMode: ApprovalMode.autoReview });
    const tools = toolSetOption(options, this.#settings.experimentalApi);
    const dynamicTools = tools && { dynamicTools: tools.declarations };
    return this.#threadCall("thread/start", { ...params, ...dynamicTools }, options, async ({ id }) => this.#threadTools.started(id, tools));
  }

  /**
   * Continues an existing thread, also one from an earlier runtime with the same `CODEX_HOME`. Pass
   * the `tools` it was started with to run them again: they must match the stored set by name.
   *
   * @throws {InvalidArgumentError} when `tools` differs from the thread's stored tool set.
   */
  async threadResume(threadId: string, options: ThreadOptions = {}): Promise<Thread> {
    if (options.ephemeral !== undefined) throw new InvalidArgumentError("options.ephemeral", "applies to threadStart and threadFork only");
    const tools = toolSetOption(options, this.#settings.experimentalApi);
    return this.#threadCall("thread/resume", { ...threadParams(options), threadId: checkThreadId(threadId) }, options, (thread) => this.#attachTools(thread, tools));
  }

  /**
   * Copies a thread's history into a new thread, which inherits its stored tool set and, in this
   * client, its tools' implementations (or `tools`, which must match the stored set by name).
   */
  async threadFork(threadId: string, options: ThreadOptions = {}): Promise<Thread> {
    const tools = toolSetOption(options, this.#settings.experimentalApi);
    const source = checkThreadId(threadId);
    return this.#threadCall("thread/fork", { ...threadParams(options), threadId: source }, options, (thread) => this.#attachTools(thread, tools, source));
  }

  /** Lists stored threads (`thread/list`); options are the wire's filters (`archived`, `limit`, `cursor`, …). */
  threadList(options: CallOptions & ThreadListParams = {}): Promise<ThreadListResponse> {
    const { signal, ...params } = options;
    return this.#request("thread/list", params, ObjectSchema, { signal });
  }

  /** Archives a thread. */
  async threadArchive(threadId: string, options: CallOptions = {}): Promise<void> {
    await this.#request("thread/archive", { threadId: checkThreadId(threadId) }, ObjectSchema, options);
  }

  /** Restores an archived thread. */
  async threadUnarchive(threadId: string, options: CallOptions = {}): Promise<Thread> {
    return this.#threadCall("thread/unarchive", { threadId: checkThreadId(threadId) }, options);
  }

  async #threadCall(method: string, params: unknown, options: CallOptions, attach?: (thread: ThreadInfo) => Promise<void>): Promise<Thread> {
    const response = await this.#request<{ thread: ThreadInfo }>(method, params, ThreadResponseSchema, options);
    await attach?.(response.thread);
    return new Thread(this.#session, response.thread.id);
  }

  /** Attaches tools to a resumed or forked thread, checked against its stored set. */
  #attachTools(thread: ThreadInfo, tools: ToolSet | undefined, inheritFrom?: string): Promise<void> {
    const readFile = (path: string): Promise<{ dataBase64: string }> => this.#request("fs/readFile", { path }, FileContentSchema);
    return this.#threadTools.attach(thread, tools, { inheritFrom, argument: "options.tools", readFile });
  }

  /** Sends a request on the current runtime, starting one if needed, and checks the fields the SDK reads. */
  async #request<T>(method: string, params: unknown, schema: GenericSchema, options: CallOptions = {}): Promise<T> {
    const connection = await this.#connect(options.signal);
    return validate<T>(schema, await connection.peer.request(method, params, options), `${method} response`);
  }

  /** The current runtime, started once however many calls wait for it. */
  #connect(signal: AbortSignal | undefined): Promise<Connection> {
    // Checked first: a call cancelled before it began must not spawn a runtime.
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.#connecting) {
      const stopStart = new AbortController();
      const connecting = openConnection(this.#settings, (connection, error) => this.#onClosed(connection, error), stopStart.signal);
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

  /** The runtime went away: the next call starts a fresh one. */
  #onClosed(connection: Connection, error: TransportClosedError): void {
    if (this.#connection !== connection) return;
    this.#connection = undefined;
    this.#connecting = undefined;
    this.#logins.failAll(error);
  }

  #broadcast(notification: Notification): void {
    for (const subscriber of this.#subscribers.keys()) subscriber.push(notification);
  }
}

function checkThreadId(threadId: unknown): string {
  if (typeof threadId !== "string" || threadId.trim() === "") throw new InvalidArgumentError("threadId", `must be a non-empty string, got ${describe(threadId)}`);
  return threadId;
}
