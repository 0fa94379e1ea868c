import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CodexNotFoundError } from "../errors.js";

/** The runtime executable to spawn and the environment it expects. */
export interface CodexBinary {
  /** Absolute path of the native `codex` executable. */
  path: string;
  /** Variables to set on top of the caller's environment (PATH with the bundled tools first, …). */
  env: Record<string, string>;
}

/** Where to look for the binary. */
export interface CodexBinaryOptions {
  /** An explicit path; wins over everything. */
  codexBin?: string | undefined;
  /** The environment the runtime will get; `CODEX_BIN` and `PATH` are read from it. */
  env: NodeJS.ProcessEnv;
}

const TARGET_TRIPLES: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "android-x64": "x86_64-unknown-linux-musl",
  "android-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/**
 * Finds the native Codex binary: the `codexBin` option, else `CODEX_BIN`, else the platform package
 * that the pinned `@openai/codex` dependency installed. The npm launcher (`bin/codex.js`) is skipped
 * on purpose: on Node 20 it keeps a Node parent process alive and costs ~80 ms per start.
 *
 * @throws {CodexNotFoundError} naming the platform, the target triple and every path tried.
 */
export function resolveCodexBinary(options: CodexBinaryOptions): CodexBinary {
  const platformKey = `${process.platform}-${process.arch}`;
  const triple = TARGET_TRIPLES[platformKey];
  const explicit = options.codexBin ?? options.env.CODEX_BIN;
  if (explicit !== undefined && explicit !== "") {
    const path = resolve(explicit);
    if (!existsSync(path)) {
      const source = options.codexBin === undefined ? "CODEX_BIN" : "the codexBin option";
      throw new CodexNotFoundError(`Codex binary from ${source} does not exist: ${path}`, [path]);
    }
    return { path, env: pathEnv(path, options.env) };
  }
  if (triple === undefined) {
    throw new CodexNotFoundError(`No Codex runtime is published for platform ${platformKey}; set codexBin or CODEX_BIN`, []);
  }
  const tried: string[] = [];
  const packageName = `@openai/codex-${process.platform === "android" ? "linux" : process.platform}-${process.arch}`;
  const executable = process.platform === "win32" ? "codex.exe" : "codex";
  const launcherRoot = packageRoot("@openai/codex", HERE, tried);
  for (const from of launcherRoot === undefined ? [HERE] : [launcherRoot, HERE]) {
    const root = packageRoot(packageName, from, tried);
    if (root === undefined) continue;
    const path = join(root, "vendor", triple, "bin", executable);
    tried.push(path);
    if (existsSync(path)) {
      // The launcher sets these so the runtime knows how it was installed; we bypass the launcher.
      const managed: Record<string, string> = launcherRoot === undefined ? {} : { CODEX_MANAGED_BY_NPM: "1", CODEX_MANAGED_PACKAGE_ROOT: launcherRoot };
      return { path, env: { ...pathEnv(path, options.env), ...managed } };
    }
  }
  throw new CodexNotFoundError(
    `Codex runtime not found for platform ${platformKey} (target ${triple}); is ${packageName} installed? Reinstall with optional dependencies, or set codexBin / CODEX_BIN`,
    tried,
  );
}

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));

/**
 * The folder of an installed package as Node would resolve it from `from`, or undefined (noted in
 * `tried`). The platform package is looked up from the launcher's folder first because package
 * managers that do not hoist nest it there.
 */
function packageRoot(packageName: string, from: string, tried: string[]): string | undefined {
  try {
    return dirname(require.resolve(`${packageName}/package.json`, { paths: [from] }));
  } catch {
    tried.push(`${packageName} (not resolvable from ${from})`);
    return undefined;
  }
}

/** Puts the helper tools shipped beside the binary (`rg`, …) first on PATH, as the launcher does. */
function pathEnv(binaryPath: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const toolsDir = resolve(dirname(binaryPath), "..", "codex-path");
  if (!existsSync(toolsDir)) return {};
  const pathKey = Object.keys(env).find((key) => key.toUpperCase() === "PATH") ?? "PATH";
  const current = env[pathKey];
  return { [pathKey]: current ? `${toolsDir}${delimiter}${current}` : toolsDir };
}
