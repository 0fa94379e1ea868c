import type { DroppedMessage, ErrorReporter, Transport } from "./transport.js";
import { resolveCodexBinary } from "./codex-binary.js";
import { ProcessTransport } from "./process-transport.js";

/** Makes the transport of one connection; called once per runtime start. */
export type TransportFactory = (context: TransportContext) => Transport;

/** What the connection hands a {@link TransportFactory}. */
export interface TransportContext {
  /** Receives problems the transport survives (non-JSON lines, oversized lines, …). */
  onError: ErrorReporter;
  /**
   * Told the first characters of every incoming message the transport had to drop as too long
   * (`maxLineLength`), so the connection can end what waited for it. Transports that never drop
   * a message need not call it.
   */
  onDropped?: ((message: DroppedMessage) => void) | undefined;
}

/** How to spawn a local `codex app-server` on stdio. */
export interface LocalRuntimeOptions {
  /** An explicit binary path; else `CODEX_BIN`, else the pinned package's binary. */
  codexBin: string | undefined;
  /** `-c key=value` arguments placed before `app-server`. */
  configArgs: readonly string[];
  /** The runtime's complete environment (variables set to `undefined` are left out). */
  env: Record<string, string | undefined>;
  /** Working directory of the runtime process. */
  cwd: string | undefined;
  /** Longest accepted line, in characters. */
  maxLineLength: number | undefined;
}

/**
 * A factory that spawns the runtime on stdio. The binary is resolved when a connection starts, not
 * before, so constructing a client never touches the disk and a missing binary fails the first call.
 */
export function localRuntime(options: LocalRuntimeOptions): TransportFactory {
  return ({ onError, onDropped }) => {
    const binary = resolveCodexBinary({ codexBin: options.codexBin, env: options.env });
    return new ProcessTransport({
      command: binary.path,
      args: [...options.configArgs, "app-server"],
      env: { ...options.env, ...binary.env },
      cwd: options.cwd,
      maxLineLength: options.maxLineLength,
      onError,
      onDropped,
    });
  };
}
