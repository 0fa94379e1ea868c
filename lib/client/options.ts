import type { CodexError, TransportClosedError } from "../errors.js";
import { InvalidArgumentError } from "../errors.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import { localRuntime, type TransportFactory } from "../transport/local-runtime.js";
import { remoteRuntime, type RemoteRuntimeOptions } from "../transport/remote-runtime.js";
import { configOverrideArgs } from "./config-overrides.js";
import { type ClientInfo, type ConnectionSettings, DEFAULT_CLIENT_INFO } from "./connection.js";
import { checkFunction, checkOptions, describe, optionKeys } from "../arguments.js";
import type { ServerRequestContext, ServerRequestHandlers } from "../server-requests/handlers.js";
import type { ChatgptAuthTokensRefreshParams } from "../protocol/generated/v2/index.js";
import type { MessageLogger } from "../rpc/message-log.js";
import type { TraceContextProvider } from "../rpc/trace.js";
import type { ChatgptAuthTokens } from "./login.js";
import { chatgptAuthTokensLogin } from "./login.js";

/** Options of {@link AsyncCodex}. Every one is optional. */
export interface AsyncCodexOptions {
  /** Path of the `codex` binary. Default: `CODEX_BIN`, else the binary the pinned `@openai/codex` installed. */
  codexBin?: string | undefined;
  /**
   * Runtime config overrides, as `config.toml` keys, passed as `-c key=value` arguments. Nested
   * objects become dotted keys. Values must be TOML-expressible (no `null`). Do not put secrets
   * here: they would be visible in the process list. Default: none.
   */
  config?: Record<string, unknown> | undefined;
  /**
   * Environment variables for the runtime, merged over `process.env` (or, with `inheritEnv: false`,
   * the runtime's whole environment). A variable set to `undefined` is left out. Default: `process.env` as is.
   */
  env?: Record<string, string | undefined> | undefined;
  /**
   * Whether the runtime inherits this process's environment. `false` starts it with only `env`
   * (plus `CODEX_HOME` from `codexHome`, and the `PATH` entry for the tools shipped with the binary),
   * like the official SDK's `env`: nothing of the host's environment (API keys, tokens) reaches the
   * runtime unless passed. The runtime then needs what it reads passed explicitly, e.g. `HOME`
   * when `codexHome` is not set. Default: `true`.
   *
   * @example
   * ```ts
   * const codex = new AsyncCodex({ inheritEnv: false, env: { HOME: "/home/agent", PATH: "/usr/bin:/bin" } });
   * ```
   */
  inheritEnv?: boolean | undefined;
  /** Working directory of the runtime process. Default: the current directory. */
  cwd?: string | undefined;
  /** The runtime's `CODEX_HOME` (config, auth, sessions). Default: the runtime's own default, `~/.codex`. */
  codexHome?: string | undefined;
  /** Sent in `initialize`. Default: `{ name: "codex_app_sdk", title: "Codex App SDK (TypeScript)", version: <SDK version> }`. */
  clientInfo?: ClientInfo | undefined;
  /** Opt in to the runtime's experimental API surface. Default: `true`. */
  experimentalApi?: boolean | undefined;
  /** How long a request may wait for its answer, in ms. Turns are not requests: they have no limit. Default: `120000`. */
  requestTimeoutMs?: number | undefined;
  /** Most requests in flight at once; more wait their turn (the runtime drops work past 128). Default: `32`. */
  maxInFlightRequests?: number | undefined;
  /** Receives problems the SDK survives: non-JSON output, replies to no request, failed handlers, … Default: ignore them. */
  onError?: ((error: CodexError) => void) | undefined;
  /**
   * Decides approval requests (commands, file changes, permissions, and calls of client-side tools
   * made with `needsApproval`) for every turn that does not set its own. Default: none, so every
   * approval request is declined. Only `ApprovalMode.askUser` and `ApprovalMode.untrusted` make
   * the runtime ask the client.
   */
  onApproval?: ApprovalHandler | undefined;
  /** Handlers for any request the runtime sends, by method, typed from the protocol. Default: none (refused). */
  onServerRequest?: ServerRequestHandlers | undefined;
  /** Longest a server-request handler may take before the request is refused, in ms. Default: `600000` (10 minutes, time for a human). */
  serverRequestTimeoutMs?: number | undefined;
  /**
   * Watchdog: a turn that sends no notification for this long, in ms, is interrupted and its
   * iteration or `run()` rejects with `TurnTimeoutError`. Default: off (turns may think for long).
   */
  turnIdleTimeoutMs?: number | undefined;
  /**
   * Wall-clock limit of every turn, in ms from the moment the runtime accepted it: past it, the turn
   * is interrupted and its iteration or `run()` rejects with `TurnTimeoutError` (`limit:
   * "turnTimeoutMs"`). Unlike `turnIdleTimeoutMs`, notifications do not reset it, so a turn that
   * streams "reconnecting…" forever still ends. A turn's own `turnTimeoutMs` overrides it.
   * Default: off.
   */
  turnTimeoutMs?: number | undefined;
  /** Longest line accepted from the runtime, in characters; longer ones are dropped and reported to `onError`. Default: 64 MiB. */
  maxLineLength?: number | undefined;
  /**
   * Notification methods the runtime should not send on this connection (exact names, sent in
   * `initialize`), e.g. `["item/agentMessage/delta"]` when only whole messages matter: on a chatty
   * turn that saves most of the client's CPU and pipe bytes, and `run()` still returns the full
   * text. `turn/completed` and `item/completed` are refused: every turn handle needs them. Default: none.
   */
  optOutNotificationMethods?: readonly string[] | undefined;
  /**
   * Called for every request that has no `trace` of its own, to send the active W3C Trace Context
   * with it (e.g. from OpenTelemetry's active span). Return `undefined` for none. Default: none.
   */
  traceContext?: TraceContextProvider | undefined;
  /**
   * Receives one entry per JSON-RPC message in and out (direction, kind, method, id, size,
   * duration for replies, the message with secrets redacted). Default: none, and then nothing is
   * measured or copied.
   */
  logger?: MessageLogger | undefined;
  /**
   * Answers the runtime's `account/chatgptAuthTokens/refresh` request after
   * `loginChatgptAuthTokens()`: return fresh tokens. Without it the request is refused and the
   * runtime stays signed in with the old tokens until they fail. Default: none.
   */
  onChatgptAuthTokensRefresh?: ((request: ChatgptAuthTokensRefreshParams, context: ServerRequestContext) => ChatgptAuthTokens | Promise<ChatgptAuthTokens>) | undefined;
  /**
   * Connect to a running runtime (`ws://`, `unix://`, or a command such as `ssh host codex
   * app-server proxy`) instead of spawning one. The spawn options (`codexBin`, `config`, `env`,
   * `cwd`, `codexHome`, `maxLineLength`) then do not apply. Default: spawn a runtime on stdio.
   */
  remote?: RemoteRuntimeOptions | undefined;
  /**
   * Makes the transport of each connection, for a runtime reached some other way (or a recording,
   * see `codex-app-sdk/testing`). Called once per runtime start. Default: spawn a runtime on stdio.
   */
  transport?: TransportFactory | undefined;
  /**
   * Called when the runtime exits or its connection drops without `close()` (a crash, a kill, a
   * dropped connection), after the calls and turns waiting on it were rejected. The next call
   * starts a fresh runtime. `CodexPool` uses it to mark a member down. Default: none.
   */
  onDisconnect?: ((error: TransportClosedError) => void) | undefined;
}

/** Notifications every turn handle needs: opting out of them would leave every turn hanging. */
const REQUIRED_NOTIFICATIONS = ["turn/completed", "item/completed"];

/** Options that only make sense for a runtime the SDK spawns itself. */
const SPAWN_OPTIONS = ["codexBin", "config", "env", "inheritEnv", "cwd", "codexHome", "maxLineLength"] as const;

const CLIENT_OPTION_KEYS = optionKeys<AsyncCodexOptions>()([
  "codexBin",
  "config",
  "env",
  "inheritEnv",
  "cwd",
  "codexHome",
  "clientInfo",
  "experimentalApi",
  "requestTimeoutMs",
  "maxInFlightRequests",
  "onError",
  "onApproval",
  "onServerRequest",
  "serverRequestTimeoutMs",
  "turnIdleTimeoutMs",
  "turnTimeoutMs",
  "maxLineLength",
  "optOutNotificationMethods",
  "traceContext",
  "logger",
  "onChatgptAuthTokensRefresh",
  "remote",
  "transport",
  "onDisconnect",
]);

/** Every key of {@link AsyncCodexOptions}, for checking options objects that extend it. */
export const ASYNC_CODEX_OPTION_KEYS: readonly string[] = CLIENT_OPTION_KEYS;

/** Options checked, defaults applied: what `AsyncCodex` keeps. */
export type ResolvedOptions = Omit<ConnectionSettings, "onNotification" | "threadTools"> & {
  turnIdleTimeoutMs: number | undefined;
  turnTimeoutMs: number | undefined;
  traceContext: TraceContextProvider | undefined;
  onDisconnect: ((error: TransportClosedError) => void) | undefined;
};

/**
 * Checks every option and applies the defaults documented on {@link AsyncCodexOptions}.
 *
 * @throws {InvalidArgumentError} naming the first invalid option, before anything is spawned.
 */
export function resolveOptions(given: AsyncCodexOptions | undefined): ResolvedOptions {
  const options = checkOptions(given, CLIENT_OPTION_KEYS);
  const { codexHome, requestTimeoutMs = 120_000, maxInFlightRequests = 32, serverRequestTimeoutMs = 600_000, onApproval, onServerRequest = {} } = options;
  positive(requestTimeoutMs, "options.requestTimeoutMs");
  positive(maxInFlightRequests, "options.maxInFlightRequests");
  positive(serverRequestTimeoutMs, "options.serverRequestTimeoutMs");
  if (options.turnIdleTimeoutMs !== undefined) positive(options.turnIdleTimeoutMs, "options.turnIdleTimeoutMs");
  if (options.turnTimeoutMs !== undefined) positive(options.turnTimeoutMs, "options.turnTimeoutMs");
  if (options.maxLineLength !== undefined) positive(options.maxLineLength, "options.maxLineLength");
  if (options.inheritEnv !== undefined && typeof options.inheritEnv !== "boolean") throw new InvalidArgumentError("options.inheritEnv", `must be a boolean, got ${describe(options.inheritEnv)}`);
  checkFunction(options.onDisconnect, "options.onDisconnect");
  checkFunction(onApproval, "options.onApproval");
  checkFunction(options.onError, "options.onError");
  if (onServerRequest === null || typeof onServerRequest !== "object") throw new InvalidArgumentError("options.onServerRequest", `must be an object of handlers by method, got ${describe(onServerRequest)}`);
  for (const [method, handler] of Object.entries(onServerRequest)) {
    if (typeof handler !== "function") throw new InvalidArgumentError(`options.onServerRequest["${method}"]`, `must be a function, got ${describe(handler)}`);
  }
  for (const name of ["traceContext", "logger", "onChatgptAuthTokensRefresh"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") throw new InvalidArgumentError(`options.${name}`, `must be a function, got ${describe(options[name])}`);
  }
  const remote = options.remote === undefined ? undefined : remoteRuntime(options.remote);
  if (options.transport !== undefined && typeof options.transport !== "function") throw new InvalidArgumentError("options.transport", `must be a function, got ${describe(options.transport)}`);
  if (remote && options.transport) throw new InvalidArgumentError("options.transport", "cannot be combined with options.remote: give one");
  const spawnOption = SPAWN_OPTIONS.find((key) => options[key] !== undefined);
  if ((remote || options.transport) && spawnOption) {
    throw new InvalidArgumentError(`options.${spawnOption}`, `applies to a runtime the SDK spawns, not with options.${remote ? "remote" : "transport"}`);
  }
  return {
    reconnectTimeoutMs: remote?.reconnectTimeoutMs,
    transport: remote?.transport ?? options.transport ?? localRuntime({
      codexBin: options.codexBin,
      configArgs: configOverrideArgs(options.config, "options.config"),
      env: { ...(options.inheritEnv === false ? {} : process.env), ...options.env, ...(codexHome === undefined ? {} : { CODEX_HOME: codexHome }) },
      cwd: options.cwd,
      maxLineLength: options.maxLineLength,
    }),
    clientInfo: options.clientInfo === undefined ? DEFAULT_CLIENT_INFO : checkClientInfo(options.clientInfo),
    experimentalApi: options.experimentalApi ?? true,
    requestTimeoutMs,
    maxInFlightRequests,
    onError: options.onError ?? (() => {}),
    serverRequestHandlers: withTokenRefresh(onServerRequest, options.onChatgptAuthTokensRefresh),
    optOutNotificationMethods: optOuts(options.optOutNotificationMethods),
    logger: options.logger,
    traceContext: options.traceContext,
    onApproval,
    serverRequestTimeoutMs,
    turnIdleTimeoutMs: options.turnIdleTimeoutMs,
    turnTimeoutMs: options.turnTimeoutMs,
    onDisconnect: options.onDisconnect,
  };
}

/**
 * The transport factory `new AsyncCodex(options)` would use: a spawned stdio runtime, or
 * `options.remote`, or `options.transport`. For wrapping, e.g. in a recording transport.
 *
 * @example
 * ```ts
 * const recorder = recordingTransport(transportFor({ codexHome }));
 * ```
 * @throws {InvalidArgumentError} for an invalid option.
 */
export function transportFor(options: AsyncCodexOptions = {}): TransportFactory {
  return resolveOptions(options).transport;
}

function checkClientInfo(clientInfo: ClientInfo): ClientInfo {
  checkOptions(clientInfo, ["name", "title", "version"], "options.clientInfo");
  for (const key of ["name", "version"] as const) {
    if (typeof clientInfo[key] !== "string" || clientInfo[key].trim() === "") throw new InvalidArgumentError(`options.clientInfo.${key}`, `must be a non-empty string, got ${describe(clientInfo[key])}`);
  }
  if (clientInfo.title !== undefined && typeof clientInfo.title !== "string") throw new InvalidArgumentError("options.clientInfo.title", `must be a string, got ${describe(clientInfo.title)}`);
  return clientInfo;
}

function positive(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value > 0)) throw new InvalidArgumentError(argument, `must be a positive number, got ${describe(value)}`);
}

function optOuts(methods: unknown): string[] {
  if (methods === undefined) return [];
  if (!Array.isArray(methods)) throw new InvalidArgumentError("options.optOutNotificationMethods", `must be an array of notification methods, got ${describe(methods)}`);
  methods.forEach((method: unknown, index) => {
    const argument = `options.optOutNotificationMethods[${index}]`;
    if (typeof method !== "string" || method.trim() === "") throw new InvalidArgumentError(argument, `must be a non-empty string, got ${describe(method)}`);
    if (REQUIRED_NOTIFICATIONS.includes(method)) throw new InvalidArgumentError(argument, `${method} cannot be opted out of: every turn handle waits for it`);
    if (method.includes("*")) throw new InvalidArgumentError(argument, `must be an exact method name (the runtime does not match patterns), got ${describe(method)}`);
  });
  return [...methods];
}

/** `handlers` with `onChatgptAuthTokensRefresh` as the `account/chatgptAuthTokens/refresh` handler, its answer checked. */
function withTokenRefresh(handlers: ServerRequestHandlers, onRefresh: AsyncCodexOptions["onChatgptAuthTokensRefresh"]): ServerRequestHandlers {
  if (onRefresh === undefined) return handlers;
  if (handlers["account/chatgptAuthTokens/refresh"] !== undefined) {
    throw new InvalidArgumentError("options.onChatgptAuthTokensRefresh", 'and onServerRequest["account/chatgptAuthTokens/refresh"] answer the same request: give one of them');
  }
  return {
    ...handlers,
    "account/chatgptAuthTokens/refresh": async (params, context) => {
      const { accessToken, chatgptAccountId, chatgptPlanType } = chatgptAuthTokensLogin(await onRefresh(params, context), "onChatgptAuthTokensRefresh's result") as { accessToken: string; chatgptAccountId: string; chatgptPlanType: string | null };
      return { accessToken, chatgptAccountId, chatgptPlanType };
    },
  };
}
