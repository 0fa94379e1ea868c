import type { CodexError } from "../errors.js";
import { InvalidArgumentError } from "../errors.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import { localRuntime } from "../transport/local-runtime.js";
import { configOverrideArgs } from "./config-overrides.js";
import { type ClientInfo, type ConnectionSettings, DEFAULT_CLIENT_INFO } from "./connection.js";
import { describe } from "../arguments.js";
import type { ServerRequestHandlers } from "../server-requests/handlers.js";

/** Options of {@link AsyncCodex}. Every one is optional. */
export interface AsyncCodexOptions {
  /** Path of the `codex` binary. Default: `CODEX_BIN`, else the binary the pinned `@openai/codex` installed. */
  codexBin?: string;
  /**
   * Runtime config overrides, as `config.toml` keys, passed as `-c key=value` arguments. Nested
   * objects become dotted keys. Values must be TOML-expressible (no `null`). Do not put secrets
   * here: they would be visible in the process list. Default: none.
   */
  config?: Record<string, unknown>;
  /** Environment variables for the runtime, merged over `process.env`. Default: `process.env` as is. */
  env?: Record<string, string | undefined>;
  /** Working directory of the runtime process. Default: the current directory. */
  cwd?: string;
  /** The runtime's `CODEX_HOME` (config, auth, sessions). Default: the runtime's own default, `~/.codex`. */
  codexHome?: string;
  /** Sent in `initialize`. Default: `{ name: "codex_app_sdk", title: "Codex App SDK (TypeScript)", version: <SDK version> }`. */
  clientInfo?: ClientInfo;
  /** Opt in to the runtime's experimental API surface. Default: `true`. */
  experimentalApi?: boolean;
  /** How long a request may wait for its answer, in ms. Turns are not requests: they have no limit. Default: `120000`. */
  requestTimeoutMs?: number;
  /** Most requests in flight at once; more wait their turn (the runtime drops work past 128). Default: `32`. */
  maxInFlightRequests?: number;
  /** Receives problems the SDK survives: non-JSON output, replies to no request, failed handlers, … Default: ignore them. */
  onError?: (error: CodexError) => void;
  /**
   * Decides approval requests (commands, file changes, permissions, and calls of client-side tools
   * made with `needsApproval`) for every turn that does not set its own. Default: none, so every
   * approval request is declined. Only `ApprovalMode.askUser` and `ApprovalMode.untrusted` make
   * the runtime ask the client.
   */
  onApproval?: ApprovalHandler;
  /** Handlers for any request the runtime sends, by method, typed from the protocol. Default: none (refused). */
  onServerRequest?: ServerRequestHandlers;
  /** Longest a server-request handler may take before the request is refused, in ms. Default: `600000` (10 minutes, time for a human). */
  serverRequestTimeoutMs?: number;
  /**
   * Watchdog: a turn that sends no notification for this long, in ms, is interrupted and its
   * iteration or `run()` rejects with `TurnTimeoutError`. Default: off (turns may think for long).
   */
  turnIdleTimeoutMs?: number;
  /**
   * Wall-clock limit of every turn, in ms from the moment the runtime accepted it: past it, the turn
   * is interrupted and its iteration or `run()` rejects with `TurnTimeoutError` (`limit:
   * "turnTimeoutMs"`). Unlike `turnIdleTimeoutMs`, notifications do not reset it, so a turn that
   * streams "reconnecting…" forever still ends. A turn's own `turnTimeoutMs` overrides it.
   * Default: off.
   */
  turnTimeoutMs?: number;
  /** Longest line accepted from the runtime, in characters; longer ones are dropped and reported to `onError`. Default: 64 MiB. */
  maxLineLength?: number;
}

/** Options checked, defaults applied: what `AsyncCodex` keeps. */
export type ResolvedOptions = Omit<ConnectionSettings, "onNotification" | "threadTools"> & { turnIdleTimeoutMs: number | undefined; turnTimeoutMs: number | undefined };

/**
 * Checks every option and applies the defaults documented on {@link AsyncCodexOptions}.
 *
 * @throws {InvalidArgumentError} naming the first invalid option, before anything is spawned.
 */
export function resolveOptions(options: AsyncCodexOptions): ResolvedOptions {
  const { codexHome, requestTimeoutMs = 120_000, maxInFlightRequests = 32, serverRequestTimeoutMs = 600_000, onApproval, onServerRequest = {} } = options;
  positive(requestTimeoutMs, "options.requestTimeoutMs");
  positive(maxInFlightRequests, "options.maxInFlightRequests");
  positive(serverRequestTimeoutMs, "options.serverRequestTimeoutMs");
  if (options.turnIdleTimeoutMs !== undefined) positive(options.turnIdleTimeoutMs, "options.turnIdleTimeoutMs");
  if (options.turnTimeoutMs !== undefined) positive(options.turnTimeoutMs, "options.turnTimeoutMs");
  if (options.maxLineLength !== undefined) positive(options.maxLineLength, "options.maxLineLength");
  if (onApproval !== undefined && typeof onApproval !== "function") throw new InvalidArgumentError("options.onApproval", `must be a function, got ${describe(onApproval)}`);
  for (const [method, handler] of Object.entries(onServerRequest)) {
    if (typeof handler !== "function") throw new InvalidArgumentError(`options.onServerRequest["${method}"]`, `must be a function, got ${describe(handler)}`);
  }
  return {
    transport: localRuntime({
      codexBin: options.codexBin,
      configArgs: configOverrideArgs(options.config, "options.config"),
      env: { ...process.env, ...options.env, ...(codexHome === undefined ? {} : { CODEX_HOME: codexHome }) },
      cwd: options.cwd,
      maxLineLength: options.maxLineLength,
    }),
    clientInfo: options.clientInfo ?? DEFAULT_CLIENT_INFO,
    experimentalApi: options.experimentalApi ?? true,
    requestTimeoutMs,
    maxInFlightRequests,
    onError: options.onError ?? (() => {}),
    serverRequestHandlers: onServerRequest,
    onApproval,
    serverRequestTimeoutMs,
    turnIdleTimeoutMs: options.turnIdleTimeoutMs,
    turnTimeoutMs: options.turnTimeoutMs,
  };
}

function positive(value: unknown, argument: string): void {
  if (typeof value !== "number" || !(value > 0)) throw new InvalidArgumentError(argument, `must be a positive number, got ${describe(value)}`);
}
