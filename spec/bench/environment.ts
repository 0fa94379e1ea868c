/**
 * The offline setup every runtime benchmark shares: the fake model in its own process, a temporary
 * `CODEX_HOME` whose `config.toml` points the runtime at it, a working directory, and the pinned
 * native binary with the environment it expects.
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { offlineConfigToml } from "../../lib/testing/index.js";
import { resolveCodexBinary } from "../../lib/transport/codex-binary.js";

/** Everything a benchmark needs to start the runtime against the fake model. */
export interface BenchEnvironment extends AsyncDisposable {
  /** The fake model's API root, e.g. `http://127.0.0.1:40123/v1`. */
  readonly baseUrl: string;
  /** A temporary `CODEX_HOME` holding the offline `config.toml`. */
  readonly codexHome: string;
  /** A temporary, empty working directory for the runtime. */
  readonly workdir: string;
  /** The pinned native binary. */
  readonly codexPath: string;
  /** The complete environment to spawn the binary with (as the SDK builds it, `CODEX_HOME` included). */
  readonly runtimeEnv: NodeJS.ProcessEnv;
  /** Stops the model and deletes the temporary directories. */
  close(): Promise<void>;
}

const MODEL_SERVER = fileURLToPath(new URL("./model-server.ts", import.meta.url));

/**
 * Starts a fresh fake model process and writes a fresh offline `CODEX_HOME` for it.
 *
 * @param options.replyDeltas answer every turn with this many deltas instead of the short reply.
 */
export async function createBenchEnvironment(options: { replyDeltas?: number } = {}): Promise<BenchEnvironment> {
  const root = await realpath(await mkdtemp(join(tmpdir(), "codex-app-sdk-bench-")));
  const codexHome = join(root, "home");
  const workdir = join(root, "work");
  const model = await startModelProcess(options.replyDeltas);
  const close = async (): Promise<void> => {
    model.child.stdin?.end();
    if (model.child.exitCode === null && model.child.signalCode === null) await once(model.child, "exit");
    await rm(root, { recursive: true, force: true });
  };
  try {
    await Promise.all([mkdir(codexHome), mkdir(workdir)]);
    await writeFile(join(codexHome, "config.toml"), offlineConfigToml(model.baseUrl));
  } catch (error) {
    await close();
    throw error;
  }
  const binary = resolveCodexBinary({ env: process.env });
  const runtimeEnv = { ...process.env, CODEX_HOME: codexHome, ...binary.env };
  return { baseUrl: model.baseUrl, codexHome, workdir, codexPath: binary.path, runtimeEnv, close, [Symbol.asyncDispose]: close };
}

/** The pinned runtime's version, e.g. `0.169.0`, from `codex --version`. */
export function runtimeVersion(): string {
  const { path, env } = resolveCodexBinary({ env: process.env });
  const output = execFileSync(path, ["--version"], { env: { ...process.env, ...env }, encoding: "utf8" });
  return output.trim().split(" ").at(-1) ?? output.trim();
}

async function startModelProcess(replyDeltas = 0): Promise<{ child: ChildProcess; baseUrl: string }> {
  // Resolved here so the child finds tsx whatever the current directory is.
  const tsx = import.meta.resolve("tsx");
  const env = { ...process.env, BENCH_REPLY_DELTAS: String(replyDeltas) };
  const child = spawn(process.execPath, ["--import", tsx, MODEL_SERVER], { stdio: ["pipe", "pipe", "inherit"], env });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const onExit = (): void => reject(new Error("the fake model process exited before it was ready"));
    child.once("exit", onExit);
    lines.once("line", (line: string) => {
      child.off("exit", onExit);
      resolve(line);
    });
  });
  lines.close();
  child.stdout?.resume();
  return { child, baseUrl };
}
