import { spawn } from "node:child_process";
import { Duplex } from "node:stream";
import { StderrTail } from "./stderr-tail.js";
import type { WebSocketStream } from "./websocket-transport.js";

/**
 * Runs `command` and carries a WebSocket over its stdin/stdout, as `codex app-server proxy` (locally
 * or through `ssh host codex app-server proxy`) expects: the proxy pipes bytes to the runtime's
 * control socket and the client speaks WebSocket through it. Its stderr is kept for error messages.
 */
export function commandStream(command: readonly string[], env: NodeJS.ProcessEnv): WebSocketStream {
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { env, stdio: ["pipe", "pipe", "pipe"], windowsHide: true });
  const stderr = new StderrTail();
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.write(chunk));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  let spawnError: Error | undefined;
  const socket = Duplex.from({ readable: child.stdout, writable: child.stdin });
  child.once("error", (error) => {
    spawnError = error;
    socket.destroy(error);
  });
  child.stdin.on("error", () => {});
  return {
    socket,
    diagnostics: () => ({
      exitCode: child.exitCode,
      signal: child.signalCode,
      stderrTail: spawnError ? `could not start ${file}: ${spawnError.message}` : stderr.toString(),
    }),
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null || spawnError) return;
      child.stdin.end();
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 2000).unref();
      await exited;
      clearTimeout(killer);
    },
  };
}
