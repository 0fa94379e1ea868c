import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { TransportClosedError } from "../errors.js";
import { settlesWithin } from "./settles-within.js";
import { StderrTail } from "./stderr-tail.js";

/** How to spawn a runtime that listens instead of talking on stdio. */
export interface RuntimeServerSpawn {
  /** The runtime binary. */
  command: string;
  /** Arguments before `app-server` (`-c key=value` overrides). */
  configArgs: readonly string[];
  /** The runtime's complete environment. */
  env: Record<string, string | undefined>;
  /** Its working directory. */
  cwd: string | undefined;
  /**
   * `"ws"`: a WebSocket on `127.0.0.1` on a free port, with a fresh capability token;
   * `"unix"`: a Unix socket in a fresh private directory; or `unix:///absolute/path.sock`. The
   * runtime serves Unix sockets without auth.
   */
  listen: "ws" | "unix" | `unix://${string}`;
  /** Longest the runtime may take to start listening, in ms. Default: `30000`. */
  startTimeoutMs?: number | undefined;
}

/** How the runtime's exit looked. */
interface Exit {
  exitCode: number | null;
  signal: string | null;
}

/** Runtimes started here that are still running, killed if the host process exits first. */
const running = new Set<ChildProcess>();

/**
 * A `codex app-server --listen …` the SDK spawned. Unlike a stdio runtime it does not exit when its
 * parent does, so it is killed on {@link RuntimeServer.close}, and also when the host process exits,
 * is ended by SIGTERM, SIGINT or SIGHUP, or dies of an uncaught exception.
 */
export class RuntimeServer {
  /** Where to connect: `ws://127.0.0.1:PORT` or `unix:///path.sock`. */
  readonly url: string;
  /** The capability token a connection must send (`undefined` on a Unix socket, which has no auth). */
  readonly token: string | undefined;
  /** The runtime's pid. */
  readonly pid: number | undefined;
  /** Resolves when the runtime has exited. */
  readonly exited: Promise<Exit>;
  readonly #child: ChildProcess;
  readonly #stderr: StderrTail;
  #closing: Promise<void> | undefined;

  private constructor(child: ChildProcess, url: string, token: string | undefined, exited: Promise<Exit>, stderr: StderrTail) {
    this.#child = child;
    this.url = url;
    this.token = token;
    this.pid = child.pid;
    this.exited = exited;
    this.#stderr = stderr;
  }

  /**
   * Spawns the runtime and resolves once it listens. For `"ws"` the token is written to a private
   * temporary file the runtime reads at startup, which is deleted as soon as it listens.
   *
   * @throws {TransportClosedError} when the runtime exits or does not listen within `startTimeoutMs`.
   */
  static async start(spawnOptions: RuntimeServerSpawn): Promise<RuntimeServer> {
    const { command, configArgs, env, cwd, startTimeoutMs = 30_000 } = spawnOptions;
    const socketDir = spawnOptions.listen === "unix" ? await mkdtemp(join(tmpdir(), "codex-app-sdk-socket-")) : undefined;
    const listen = socketDir === undefined ? (spawnOptions.listen as "ws" | `unix://${string}`) : (`unix://${join(socketDir, "app-server.sock")}` as const);
    const secrets = await mkdtemp(join(tmpdir(), "codex-app-sdk-token-"));
    const token = listen === "ws" ? randomBytes(32).toString("base64url") : undefined;
    const tokenFile = join(secrets, "token");
    try {
      const listenArgs = listen === "ws" ? ["--listen", "ws://127.0.0.1:0", "--ws-auth", "capability-token", "--ws-token-file", tokenFile] : ["--listen", listen];
      if (token !== undefined) await writeFile(tokenFile, token, { mode: 0o600 });
      const child = spawn(command, [...configArgs, "app-server", ...listenArgs], { env, cwd, stdio: ["ignore", "ignore", "pipe"], windowsHide: true });
      const stderr = new StderrTail();
      const exited = new Promise<Exit>((resolve) => child.once("close", (exitCode, signal) => resolve({ exitCode, signal })));
      running.add(child);
      guardHostExit();
      void exited.then(async () => {
        running.delete(child);
        if (socketDir !== undefined) await rm(socketDir, { recursive: true, force: true });
      });
      const starting = new AbortController();
      const failed = (reason: string, cause?: unknown): TransportClosedError => {
        child.kill("SIGKILL");
        return new TransportClosedError({ exitCode: child.exitCode, signal: child.signalCode, stderrTail: stderr.toString(), reason }, cause === undefined ? undefined : { cause });
      };
      const notStarted = new Promise<never>((_, reject) => {
        child.once("error", (error) => reject(failed(`could not start ${command}: ${error.message}`, error)));
        void exited.then((exit) => reject(failed(`the runtime exited before it listened (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`})`)));
        void sleep(startTimeoutMs, undefined, { ref: false, signal: starting.signal }).then(
          () => reject(failed(`the runtime did not listen within ${startTimeoutMs} ms`)),
          () => undefined,
        );
      });
      let heard = "";
      const url = await Promise.race([
        listen === "ws"
          ? new Promise<string>((resolve) => {
              child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
                stderr.write(chunk);
                heard = (heard + chunk).slice(-4096);
                const address = /listening on: (ws:\/\/\S+)/.exec(heard)?.[1];
                if (address) resolve(address);
              });
            })
          : (child.stderr?.setEncoding("utf8").on("data", (chunk: string) => stderr.write(chunk)), socketReady(listen.slice("unix://".length), starting.signal).then(() => listen)),
        notStarted,
      ]).finally(() => starting.abort());
      if (listen === "ws") child.stderr?.removeAllListeners("data").on("data", (chunk: string) => stderr.write(chunk));
      return new RuntimeServer(child, url, token, exited, stderr);
    } finally {
      await rm(secrets, { recursive: true, force: true });
    }
  }

  /** The options to connect to it: `new AsyncCodex({ remote: server.remote })`. */
  get remote(): {
    /** {@link RuntimeServer.url}. */
    url: string;
    /** {@link RuntimeServer.token}, when there is one. */
    token?: string;
  } {
    return this.token === undefined ? { url: this.url } : { url: this.url, token: this.token };
  }

  /** The runtime's recent stderr, secrets redacted. */
  get stderrTail(): string {
    return this.#stderr.toString();
  }

  /**
   * Stops the runtime: SIGTERM (which lets a running turn drain), a second SIGTERM after
   * `graceMs` (which cuts it), SIGKILL after 2 s more. Idempotent; resolves once it has exited.
   */
  close(graceMs = 500): Promise<void> {
    this.#closing ??= (async () => {
      const child = this.#child;
      for (const [signal, waitMs] of [["SIGTERM", graceMs], ["SIGTERM", 2000], ["SIGKILL", 0]] as const) {
        if (child.exitCode !== null || child.signalCode !== null) break;
        child.kill(signal);
        if (await settlesWithin(this.exited, waitMs)) break;
      }
      await this.exited;
    })();
    return this.#closing;
  }
}

/** Resolves once something listens at the Unix socket `path` (the runtime makes it a symlink to its socket). */
async function socketReady(path: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      if ((await stat(path)).isSocket()) return;
    } catch {
      // Not there yet.
    }
    await sleep(20, undefined, { signal }).catch(() => undefined);
  }
}

let guarded = false;

/** Kills every running server when the host process goes, however it goes (short of SIGKILL). */
function guardHostExit(): void {
  if (guarded) return;
  guarded = true;
  const killAll = (): void => {
    for (const child of running) child.kill("SIGKILL");
  };
  process.on("exit", killAll);
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAll();
      // Alone, our listener would keep the host alive: end it the way the signal would have.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}
