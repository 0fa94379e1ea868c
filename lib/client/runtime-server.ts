import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import { resolveCodexBinary } from "../transport/codex-binary.js";
import { RuntimeServer, type RuntimeServerSpawn } from "../transport/runtime-server.js";
import { configOverrideArgs } from "./config-overrides.js";

/** Options of {@link startRuntimeServer}. */
export interface RuntimeServerOptions {
  /** Path of the `codex` binary. Default: `CODEX_BIN`, else the pinned `@openai/codex`'s binary. */
  codexBin?: string;
  /** Runtime config overrides, as `config.toml` keys (see `AsyncCodexOptions.config`). Default: none. */
  config?: Record<string, unknown>;
  /** Environment variables for the runtime, merged over `process.env`. */
  env?: Record<string, string | undefined>;
  /** The runtime's `CODEX_HOME`. Default: the runtime's own default, `~/.codex`. */
  codexHome?: string;
  /** Working directory of the runtime process. Default: the current directory. */
  cwd?: string;
  /**
   * `"ws"`: WebSocket on `127.0.0.1`, a free port, and a fresh capability token; `"unix"`: a Unix
   * socket in a fresh private directory; or `"unix:///absolute/path.sock"`. Unix sockets have no
   * auth (the socket file is private, mode 0600). Default: `"ws"`.
   */
  listen?: "ws" | "unix" | `unix://${string}`;
}

const KEYS = ["codexBin", "config", "env", "codexHome", "cwd", "listen"] as const;

/**
 * Spawns the pinned runtime as a server (`codex app-server --listen ws://127.0.0.1:0` with a fresh
 * capability token, or on a Unix socket) that many clients, in this process or others, can share.
 * It does not exit with its clients: close it (or `await using`); it is also killed when this
 * process exits. It never starts `codex app-server daemon`.
 *
 * @example
 * ```ts
 * await using server = await startRuntimeServer({ codexHome });
 * await using codex = new AsyncCodex({ remote: server.remote });
 * ```
 * @throws {InvalidArgumentError} for a bad option; `CodexNotFoundError` without a binary;
 *   `TransportClosedError` when the runtime does not start listening.
 */
export async function startRuntimeServer(options: RuntimeServerOptions = {}): Promise<RuntimeServer & AsyncDisposable> {
  const server = await RuntimeServer.start(runtimeServerSpawn(options));
  return Object.assign(server, { [Symbol.asyncDispose]: () => server.close() });
}

/**
 * The spawn that {@link RuntimeServerOptions} describe.
 *
 * @throws {InvalidArgumentError} naming the first bad option.
 */
export function runtimeServerSpawn(options: RuntimeServerOptions, argument = "options"): RuntimeServerSpawn {
  checkObject(options, argument);
  checkKnownKeys(options, KEYS, argument);
  const { codexBin, codexHome, cwd, listen = "ws" } = options as RuntimeServerOptions;
  if (listen !== "ws" && listen !== "unix" && !(typeof listen === "string" && /^unix:\/\/\/./.test(listen))) {
    throw new InvalidArgumentError(`${argument}.listen`, `must be "ws", "unix" or "unix:///absolute/path.sock", got ${describe(listen)}`);
  }
  const env = { ...process.env, ...(options as RuntimeServerOptions).env, ...(codexHome === undefined ? {} : { CODEX_HOME: codexHome }) };
  const binary = resolveCodexBinary({ codexBin, env });
  return {
    command: binary.path,
    configArgs: configOverrideArgs((options as RuntimeServerOptions).config, `${argument}.config`),
    env: { ...env, ...binary.env },
    cwd,
    listen,
  };
}
