import { CodexError, InvalidArgumentError } from "../errors.js";
import type {
  CollaborationModeListResponse,
  GetAccountResponse,
  ModelListResponse,
  Thread as StoredThread,
  ThreadListParams,
  ThreadListResponse,
} from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { AnySchema, FileContentSchema, ObjectSchema, ThreadResponseSchema } from "../protocol/schemas.js";
import { ApprovalMode } from "../server-requests/approval-mode.js";
import type { CodexMetadata, ConnectionSettings } from "./connection.js";
import { checkOptions } from "../arguments.js";
import { type ChatgptAuthTokens, chatgptAuthTokensLogin, type ChatgptLoginHandle, type DeviceCodeLoginHandle, LoginCompletions, startChatgptLogin, startDeviceCodeLogin } from "./login.js";
import { NotificationHub } from "./notification-hub.js";
import { type AsyncCodexOptions, resolveOptions } from "./options.js";
import { RuntimeSession } from "./runtime-session.js";
import { RuntimeSlot } from "./runtime-slot.js";
import { checkRawRequest, type ClientMethod, type ClientResult, type RequestArguments, type RequestOptions } from "./request.js";
import { CALL_OPTION_KEYS, type CallOptions, type Session } from "../session.js";
import { type PageOptions, pageOptions, pages } from "../threads/history.js";
import { Thread } from "../threads/thread.js";
import { checkThreadId, type ThreadListOptions, threadListParams, type ThreadOptions, threadParams } from "../threads/thread-options.js";
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
  readonly #notifications = new NotificationHub();
  readonly #session: RuntimeSession;
  readonly #logins = new LoginCompletions();
  readonly #threadTools = new ThreadTools();
  readonly #runtime: RuntimeSlot;

  /** @throws {InvalidArgumentError} for an invalid option, before anything is spawned. */
  constructor(options: AsyncCodexOptions = {}) {
    const { turnIdleTimeoutMs, turnTimeoutMs, traceContext, onDisconnect, ...settings } = resolveOptions(options);
    this.#settings = {
      ...settings,
      threadTools: this.#threadTools,
      onNotification: (notification) => {
        this.#logins.observe(notification);
        this.#notifications.broadcast(notification);
      },
    };
    this.#runtime = new RuntimeSlot(this.#settings, (error) => {
      this.#logins.failAll(error);
      onDisconnect?.(error);
    });
    const turnLimits = { idleTimeoutMs: turnIdleTimeoutMs, timeoutMs: turnTimeoutMs };
    this.#session = new RuntimeSession(this.#runtime, { turnLimits, traceContext, reportError: settings.onError });
    sessions.set(this, this.#session);
  }

  /**
   * What the running runtime reported at `initialize`.
   * @throws {CodexError} before the runtime has started.
   */
  get metadata(): CodexMetadata {
    const connection = this.#runtime.current;
    if (!connection) throw new CodexError("AsyncCodex has not started the runtime yet: await codex.start() (or any call) first");
    return connection.metadata;
  }

  /** The pid of the running runtime process, or `undefined` when none is running. */
  get pid(): number | undefined {
    return this.#runtime.current?.pid;
  }

  /**
   * Routing entries the current runtime holds for turns (0 when no turn is running or pending): a
   * leak check for the SDK's own tests, not part of the API.
   * @internal
   */
  get activeTurnRoutes(): number {
    return this.#runtime.current?.router.size ?? 0;
  }

  /** Starts the runtime now instead of on the first call. Idempotent. */
  async start(options: CallOptions = {}): Promise<void> {
    await this.#runtime.connect(checkOptions(options, CALL_OPTION_KEYS).signal);
  }

  /** Stops the runtime and waits until its process is gone. Idempotent; open turns fail with `TransportClosedError`. */
  async close(): Promise<void> {
    const closing = this.#runtime.close();
    this.#notifications.endAll();
    const closedError = await closing;
    if (closedError) this.#logins.failAll(closedError);
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
    return this.#notifications.listen(checkOptions(options, CALL_OPTION_KEYS).signal);
  }

  /**
   * Sends any request of the pinned runtime's protocol: the method autocompletes, and `params` and
   * the result are typed from the generated protocol. Same guarantees as every other call: lazy
   * start, `signal`, `timeoutMs`, `trace`, the in-flight limit, typed `JsonRpcError` subclasses.
   *
   * @throws {InvalidArgumentError} before sending, for an experimental method on a client made
   *   with `experimentalApi: false`, or a bad option.
   * @example
   * ```ts
   * const { data } = await codex.request("thread/loaded/list", {});
   * const modes = await codex.request("collaborationMode/list", {}, { timeoutMs: 5_000 });
   * ```
   */
  request<M extends ClientMethod>(method: M, ...args: RequestArguments<M>): Promise<ClientResult<M>> {
    const [params, options = {}] = args;
    return this.#raw(method, params, options) as Promise<ClientResult<M>>;
  }

  /**
   * Sends a request without types, for methods newer than the pinned runtime. Prefer
   * {@link request}: with it, a typo in the method is a type error.
   */
  requestUntyped(method: string, params?: unknown, options: RequestOptions = {}): Promise<unknown> {
    return this.#raw(method, params, options);
  }

  async #raw(method: string, params: unknown, options: RequestOptions): Promise<unknown> {
    return this.#session.request(method, params, AnySchema, checkRawRequest(method, options, this.#settings.experimentalApi));
  }

  /** Lists the models the runtime offers (`model/list`). */
  async models(options: CallOptions & { includeHidden?: boolean | undefined } = {}): Promise<ModelListResponse> {
    const { includeHidden = false, ...call } = checkOptions(options, ["signal", "trace", "includeHidden"]);
    return this.#session.request("model/list", { includeHidden }, ObjectSchema, call);
  }

  /** Reads the signed-in account (`account/read`). */
  async account(options: CallOptions & { refreshToken?: boolean | undefined } = {}): Promise<GetAccountResponse> {
    const { refreshToken = false, ...call } = checkOptions(options, ["signal", "trace", "refreshToken"]);
    return this.#session.request("account/read", { refreshToken }, ObjectSchema, call);
  }

  /** Signs in with an API key. The key travels only inside the JSON-RPC request: never argv, environment or logs. */
  async loginApiKey(apiKey: string, options: CallOptions = {}): Promise<void> {
    if (typeof apiKey !== "string" || apiKey.trim() === "") throw new InvalidArgumentError("apiKey", "must be a non-empty string");
    await this.#session.request("account/login/start", { type: "apiKey", apiKey }, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
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
    return startChatgptLogin(this.#session, this.#logins, checkOptions(options, CALL_OPTION_KEYS));
  }

  /** Starts a device-code login: show the handle's `userCode` and `verificationUrl`, then `await handle.wait()`. */
  async loginChatgptDeviceCode(options: CallOptions = {}): Promise<DeviceCodeLoginHandle> {
    return startDeviceCodeLogin(this.#session, this.#logins, checkOptions(options, CALL_OPTION_KEYS));
  }

  /**
   * Signs in with ChatGPT tokens the host already holds. The runtime keeps them in memory only
   * and, when they expire, asks for fresh ones through `onChatgptAuthTokensRefresh`. The tokens
   * travel only inside the JSON-RPC request: never argv, logs or error messages.
   */
  async loginChatgptAuthTokens(tokens: ChatgptAuthTokens, options: CallOptions = {}): Promise<void> {
    await this.#session.request("account/login/start", chatgptAuthTokensLogin(tokens), ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }

  /** Signs out (`account/logout`). */
  async logout(options: CallOptions = {}): Promise<void> {
    await this.#session.request("account/logout", undefined, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }

  /**
   * Starts a new thread. Approval mode defaults to `ApprovalMode.autoReview`. Its `tools` are
   * declared now, for good: the runtime never takes another tool set for the thread.
   */
  async threadStart(options: ThreadOptions = {}): Promise<Thread> {
    const params = threadParams(options, { approvalMode: ApprovalMode.autoReview }, "threadStart");
    const tools = toolSetOption(options, this.#settings.experimentalApi);
    const dynamicTools = tools && { dynamicTools: tools.declarations };
    return this.#threadCall("thread/start", { ...params, ...dynamicTools }, options, async ({ id }) => this.#threadTools.started(id, tools));
  }

  /**
   * Continues an existing thread, also one from an earlier runtime with the same `CODEX_HOME` (or,
   * with `path`, the one stored in that rollout file). Pass the `tools` it was started with to run
   * them again: they must match the stored set by name.
   *
   * @throws {InvalidArgumentError} when `tools` differs from the thread's stored tool set.
   */
  async threadResume(threadId: string, options: ThreadOptions = {}): Promise<Thread> {
    const params = { ...threadParams(options, {}, "threadResume"), threadId: checkThreadId(threadId) };
    const tools = toolSetOption(options, this.#settings.experimentalApi);
    return this.#threadCall("thread/resume", params, options, (thread) => this.#attachTools(thread, tools));
  }

  /**
   * Copies a thread's history into a new thread, which inherits its stored tool set and, in this
   * client, its tools' implementations (or `tools`, which must match the stored set by name).
   */
  async threadFork(threadId: string, options: ThreadOptions = {}): Promise<Thread> {
    const tools = toolSetOption(options, this.#settings.experimentalApi);
    const source = checkThreadId(threadId);
    return this.#threadCall("thread/fork", { ...threadParams(options, {}, "threadFork"), threadId: source }, options, (thread) => this.#attachTools(thread, tools, source));
  }

  /** Lists one page of stored threads (`thread/list`); options are the wire's filters (`archived`, `limit`, `cursor`, …). */
  async threadList(options: ThreadListOptions = {}): Promise<ThreadListResponse> {
    return this.#session.request("thread/list", threadListParams(options), ObjectSchema, options);
  }

  /**
   * Every stored thread matching the filters (`thread/list`'s, without `cursor` and `limit`), page
   * by page: the next page is fetched only when the loop gets there, and `break` stops fetching.
   *
   * @example
   * ```ts
   * for await (const stored of codex.threads({ archived: false, pageSize: 50 })) {
   *   if (stored.name === "release notes") break;
   * }
   * ```
   */
  threads(filters: PageOptions & Omit<ThreadListParams, "cursor" | "limit"> = {}): AsyncIterable<StoredThread> {
    const { signal, trace, pageSize, ...params } = filters;
    const { limit, call } = pageOptions({ signal, trace, pageSize });
    return pages<StoredThread>(this.#session, "thread/list", params, limit, call);
  }

  /** The ids of the threads loaded in the runtime's memory (`thread/loaded/list`), page by page. */
  loadedThreads(options: PageOptions = {}): AsyncIterable<string> {
    const { limit, call } = pageOptions(options);
    return pages<string>(this.#session, "thread/loaded/list", {}, limit, call);
  }

  /**
   * Deletes a stored thread for good (`thread/delete`). The runtime refuses a thread that forks
   * still reference: delete (or archive) the forks first.
   */
  async threadDelete(threadId: string, options: CallOptions = {}): Promise<void> {
    await this.#session.request("thread/delete", { threadId: checkThreadId(threadId) }, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }

  /** The collaboration mode presets (`collaborationMode/list`, experimental), e.g. plan mode. */
  async collaborationModes(options: CallOptions = {}): Promise<CollaborationModeListResponse> {
    return this.#session.request("collaborationMode/list", {}, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }

  /** Archives a thread. */
  async threadArchive(threadId: string, options: CallOptions = {}): Promise<void> {
    await this.#session.request("thread/archive", { threadId: checkThreadId(threadId) }, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }

  /** Restores an archived thread. */
  async threadUnarchive(threadId: string, options: CallOptions = {}): Promise<Thread> {
    return this.#threadCall("thread/unarchive", { threadId: checkThreadId(threadId) }, checkOptions(options, CALL_OPTION_KEYS));
  }

  async #threadCall(method: string, params: unknown, options: CallOptions, attach?: (thread: ThreadInfo) => Promise<void>): Promise<Thread> {
    const response = await this.#session.request<{ thread: ThreadInfo }>(method, params, ThreadResponseSchema, options);
    await attach?.(response.thread);
    return new Thread(this.#session, response.thread.id);
  }

  /** Attaches tools to a resumed or forked thread, checked against its stored set. */
  #attachTools(thread: ThreadInfo, tools: ToolSet | undefined, inheritFrom?: string): Promise<void> {
    const readFile = (path: string): Promise<{ dataBase64: string }> => this.#session.request("fs/readFile", { path }, FileContentSchema);
    return this.#threadTools.attach(thread, tools, { inheritFrom, argument: "options.tools", readFile });
  }
}

const sessions = new WeakMap<AsyncCodex, Session>();

/**
 * @internal The session of a client: how `CodexPool` sends a thread's calls and turns to the member
 * that holds it, with the same wire params a `Thread` built them with.
 */
export function sessionOf(codex: AsyncCodex): Session {
  const session = sessions.get(codex);
  if (!session) throw new CodexError("not an AsyncCodex");
  return session;
}
