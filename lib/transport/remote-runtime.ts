import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import { type JwtAuthOptions, jwtSecretBytes, mintJwt } from "./bearer-token.js";
import { commandStream } from "./command-stream.js";
import type { TransportFactory } from "./local-runtime.js";
import { WebSocketTransport } from "./websocket-transport.js";

/**
 * A runtime the SDK connects to instead of spawning: `codex app-server --listen ws://IP:PORT`,
 * `--listen unix://PATH`, or a command whose stdio carries the WebSocket (`codex app-server proxy`,
 * also through SSH). Give `url` or `command`.
 *
 * @example
 * ```ts
 * const codex = new AsyncCodex({ remote: { url: "ws://127.0.0.1:4500", token: process.env.CODEX_TOKEN } });
 * ```
 */
export interface RemoteRuntimeOptions {
  /** `ws://IP:PORT` (or `wss://…`), or `unix:///absolute/path.sock`. Credentials never go in it. */
  url?: string;
  /**
   * Instead of `url`: a command whose stdin/stdout carry the WebSocket bytes, e.g.
   * `["ssh", "host", "codex", "app-server", "proxy"]`. No shell is involved.
   */
  command?: readonly string[];
  /** The capability token (`--ws-auth capability-token`), sent as `Authorization: Bearer`. */
  token?: string | undefined;
  /** Instead of `token`: the shared secret of `--ws-auth signed-bearer-token`; a short-lived HS256 JWT is minted per connection. */
  jwt?: JwtAuthOptions | undefined;
  /**
   * Reconnect when the connection drops, `initialize` again and resume every thread with an open
   * turn, so open `TurnHandle`s continue (deltas sent during the gap are lost; items and results
   * are complete). `true` gives up after 30 s; or `{ timeoutMs }`. Default: `false`, so a drop
   * rejects every waiter with `TransportClosedError`.
   */
  reconnect?: boolean | ReconnectOptions | undefined;
  /** The client pings this often; no pong by the next ping counts as a dropped connection. Default: `15000`. */
  pingIntervalMs?: number | undefined;
  /**
   * For a `wss://` url: the PEM certificate(s) of the authorities to trust, e.g. the private CA
   * that signed the certificate of the TLS proxy in front of the runtime (the runtime itself
   * serves only `ws://`). They replace Node's bundled roots for this connection. Default: Node's
   * roots, plus any in `NODE_EXTRA_CA_CERTS`.
   *
   * @example
   * ```ts
   * const codex = new AsyncCodex({ remote: { url: "wss://codex.internal:443", token, ca: readFileSync("ca.pem", "utf8") } });
   * ```
   */
  ca?: string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined;
  /** Longest a connect (TCP and upgrade) may take, in ms. Default: `10000`. */
  connectTimeoutMs?: number | undefined;
}

/** How {@link RemoteRuntimeOptions.reconnect} retries. */
export interface ReconnectOptions {
  /** Gives up reconnecting after this long, in ms; every waiter then rejects with `TransportClosedError`. Default: `30000`. */
  timeoutMs?: number | undefined;
}

const REMOTE_KEYS = ["url", "command", "token", "jwt", "ca", "reconnect", "pingIntervalMs", "connectTimeoutMs"] as const;
const JWT_KEYS = ["secret", "issuer", "audience", "ttlSeconds"] as const;

/** What {@link remoteRuntime} made of the options: the transport factory and the reconnect budget. */
export interface RemoteRuntime {
  transport: TransportFactory;
  /** The reconnect budget in ms, or `undefined` when reconnecting is off. */
  reconnectTimeoutMs: number | undefined;
}

/**
 * Checks `options.remote` and makes the factory of its connections.
 *
 * @throws {InvalidArgumentError} naming the first invalid field.
 */
export function remoteRuntime(options: RemoteRuntimeOptions, argument = "options.remote"): RemoteRuntime {
  checkObject(options, argument);
  checkKnownKeys(options, REMOTE_KEYS, argument);
  const { url, command, token, jwt, ca, pingIntervalMs, connectTimeoutMs } = options as RemoteRuntimeOptions;
  if ((url === undefined) === (command === undefined)) throw new InvalidArgumentError(argument, "needs exactly one of url and command");
  const target = url === undefined ? checkCommand(command, `${argument}.command`) : checkUrl(url, `${argument}.url`);
  if (token !== undefined && jwt !== undefined) throw new InvalidArgumentError(`${argument}.jwt`, "cannot be combined with token: give one");
  if (token !== undefined && (typeof token !== "string" || token.trim() === "" || /\s/.test(token.trim()))) {
    throw new InvalidArgumentError(`${argument}.token`, `must be a non-empty string without spaces, got ${typeof token === "string" ? "a string that is not" : describe(token)}`);
  }
  if (jwt !== undefined) checkJwt(jwt, `${argument}.jwt`);
  const certificates = ca === undefined ? undefined : checkCa(ca, url, `${argument}.ca`);
  for (const [key, value] of [["pingIntervalMs", pingIntervalMs], ["connectTimeoutMs", connectTimeoutMs]] as const) {
    if (value !== undefined && (typeof value !== "number" || !(value > 0))) throw new InvalidArgumentError(`${argument}.${key}`, `must be a positive number, got ${describe(value)}`);
  }
  const bearerToken = jwt !== undefined ? () => mintJwt(jwt as JwtAuthOptions) : token !== undefined ? () => Promise.resolve(token.trim()) : undefined;
  return {
    transport: ({ onError }) =>
      new WebSocketTransport({
        url: target.display,
        openStream: target.command ? () => commandStream(target.command as readonly string[], process.env) : undefined,
        bearerToken,
        ca: certificates,
        pingIntervalMs,
        connectTimeoutMs,
        onError,
      }),
    reconnectTimeoutMs: reconnectTimeout((options as RemoteRuntimeOptions).reconnect, `${argument}.reconnect`),
  };
}

function checkUrl(url: unknown, argument: string): { display: string; command?: undefined } {
  if (typeof url !== "string") throw new InvalidArgumentError(argument, `must be a string, got ${describe(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidArgumentError(argument, `is not a URL: ${describe(url)}`);
  }
  if (!["ws:", "wss:", "unix:"].includes(parsed.protocol)) throw new InvalidArgumentError(argument, `must be ws://, wss:// or unix:///path, got ${parsed.protocol}//`);
  if (parsed.username || parsed.password || parsed.search) throw new InvalidArgumentError(argument, "must hold no credentials or query: give the token as remote.token");
  if (parsed.protocol === "unix:" && (parsed.host !== "" || parsed.pathname.length < 2)) throw new InvalidArgumentError(argument, `must be unix:///absolute/path.sock, got ${describe(url)}`);
  return { display: parsed.protocol === "unix:" ? `unix://${decodeURIComponent(parsed.pathname)}` : url };
}

/** The PEM certificates of `ca`, as strings, once `url` is a wss:// one and each is PEM text. */
function checkCa(ca: unknown, url: string | undefined, argument: string): string[] {
  if (url === undefined || !url.startsWith("wss://")) throw new InvalidArgumentError(argument, "applies only to a wss:// url");
  const entries: unknown[] = Array.isArray(ca) ? ca : [ca];
  if (entries.length === 0) throw new InvalidArgumentError(argument, "must hold at least one certificate");
  return entries.map((entry, index) => {
    const at = Array.isArray(ca) ? `${argument}[${index}]` : argument;
    if (typeof entry !== "string" && !(entry instanceof Uint8Array)) throw new InvalidArgumentError(at, `must be a PEM string or its bytes, got ${describe(entry)}`);
    const pem = typeof entry === "string" ? entry : Buffer.from(entry).toString("utf8");
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new InvalidArgumentError(at, "must be a PEM certificate (-----BEGIN CERTIFICATE-----)");
    return pem;
  });
}

function checkCommand(command: unknown, argument: string): { display: string; command: readonly string[] } {
  if (!Array.isArray(command) || command.length === 0 || !command.every((part) => typeof part === "string" && part !== "")) {
    throw new InvalidArgumentError(argument, `must be a non-empty array of non-empty strings, got ${describe(command)}`);
  }
  // Only the program: the rest of the command line may name hosts or keys the caller would rather not log.
  return { display: `the command ${command[0] as string}`, command: [...command] };
}

function checkJwt(jwt: unknown, argument: string): void {
  checkObject(jwt, argument);
  checkKnownKeys(jwt, JWT_KEYS, argument);
  const { secret, issuer, audience, ttlSeconds } = jwt;
  if (typeof secret !== "string" && !(secret instanceof Uint8Array)) throw new InvalidArgumentError(`${argument}.secret`, `must be a string or a Uint8Array, got ${describe(secret)}`);
  if (jwtSecretBytes(secret).length < 32) throw new InvalidArgumentError(`${argument}.secret`, "must be at least 32 bytes (the runtime refuses shorter secrets)");
  for (const [key, value] of [["issuer", issuer], ["audience", audience]] as const) {
    if (value !== undefined && (typeof value !== "string" || value === "")) throw new InvalidArgumentError(`${argument}.${key}`, `must be a non-empty string, got ${describe(value)}`);
  }
  if (ttlSeconds !== undefined && (typeof ttlSeconds !== "number" || !(ttlSeconds > 0))) throw new InvalidArgumentError(`${argument}.ttlSeconds`, `must be a positive number, got ${describe(ttlSeconds)}`);
}

function reconnectTimeout(reconnect: unknown, argument: string): number | undefined {
  if (reconnect === undefined || reconnect === false) return undefined;
  if (reconnect === true) return 30_000;
  checkObject(reconnect, argument);
  checkKnownKeys(reconnect, ["timeoutMs"], argument);
  const { timeoutMs = 30_000 } = reconnect;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) throw new InvalidArgumentError(`${argument}.timeoutMs`, `must be a positive number, got ${describe(timeoutMs)}`);
  return timeoutMs;
}
