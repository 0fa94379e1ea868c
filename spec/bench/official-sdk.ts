/**
 * Benchmark 6, against the official TypeScript SDK `@openai/codex-sdk`, which spawns `codex exec`
 * once per turn where this SDK keeps one `codex app-server` running. Both run sequential turns on
 * one thread, on the same fake model and the same pinned native binary (the official SDK's
 * `codexPathOverride`), alternating turn by turn.
 *
 * The official SDK depends on its own copy of the ~400 MB runtime, so it is not a dependency of
 * this package: the benchmark installs it on first use into `.cache/` (gitignored) without its
 * optional dependencies, which skips that runtime copy.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { alternate, type Summary, summarize, timeMs } from "./stats.js";

/** The official SDK version compared against (the newest published when this was written). */
export const OFFICIAL_SDK_VERSION = "0.163.0";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CACHE_DIR = join(REPO_ROOT, ".cache", `bench-official-sdk-${OFFICIAL_SDK_VERSION}`);
const PACKAGE_DIR = join(CACHE_DIR, "node_modules", "@openai", "codex-sdk");

/** The part of the official SDK's API the benchmark uses (see its `dist/index.d.ts`). */
interface OfficialThread {
  run(input: string): Promise<{ finalResponse: string }>;
}
interface OfficialCodex {
  startThread(options: { workingDirectory: string; skipGitRepoCheck: boolean }): OfficialThread;
}
type OfficialCodexConstructor = new (options: {
  codexPathOverride: string;
  config: Record<string, unknown>;
  env: Record<string, string>;
}) => OfficialCodex;

/** Per-turn times in ms. */
export interface OfficialSdkResult {
  version: string;
  ours: Summary;
  official: Summary;
  /** Median official turn over median turn of this SDK: how many times faster this SDK is. */
  speedup: number;
  samples: { ours: number[]; official: number[] };
}

/** Runs `turns` measured turns on each side, after one untimed turn each (the official one creates the thread). */
export async function benchOfficialSdk(env: BenchEnvironment, turns: number): Promise<OfficialSdkResult> {
  const Codex = await loadOfficialSdk();
  const official = new Codex({
    codexPathOverride: env.codexPath,
    config: fakeProviderConfig(env.baseUrl),
    // The official SDK does not inherit process.env once `env` is given.
    env: definedOnly(env.runtimeEnv),
  }).startThread({ workingDirectory: env.workdir, skipGitRepoCheck: true });
  await using codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
  const ours = await codex.threadStart();
  const officialTurn = (): Promise<number> => timeMs(() => official.run("Say hello."));
  const ourTurn = (): Promise<number> => timeMs(() => ours.run("Say hello."));
  await alternate(1, officialTurn, ourTurn);
  const measured = await alternate(turns, officialTurn, ourTurn);
  const summary = { official: summarize(measured.first), ours: summarize(measured.second) };
  return { version: OFFICIAL_SDK_VERSION, ...summary, speedup: summary.official.median / summary.ours.median, samples: { ours: measured.second, official: measured.first } };
}

/** The fake model as a model provider, in the shape of the official SDK's `config` option. */
function fakeProviderConfig(baseUrl: string): Record<string, unknown> {
  return {
    model: "mock-model",
    model_provider: "mock",
    model_providers: {
      mock: { name: "Mock Responses (loopback)", base_url: baseUrl, wire_api: "responses", supports_websockets: false, request_max_retries: 0, stream_max_retries: 0 },
    },
    approval_policy: "never",
    web_search: "disabled",
    check_for_update_on_startup: false,
    features: { plugins: false, apps: false, remote_plugin: false },
    analytics: { enabled: false },
  };
}

/** Installs the official SDK into the cache on first use and imports it. */
async function loadOfficialSdk(): Promise<OfficialCodexConstructor> {
  if (!(await installedVersionMatches())) await install();
  const loaded: unknown = await import(pathToFileURL(join(PACKAGE_DIR, "dist", "index.js")).href);
  const Codex = loaded !== null && typeof loaded === "object" && "Codex" in loaded ? loaded.Codex : undefined;
  if (typeof Codex !== "function") throw new Error(`@openai/codex-sdk@${OFFICIAL_SDK_VERSION} exports no Codex class`);
  return Codex as OfficialCodexConstructor;
}

async function installedVersionMatches(): Promise<boolean> {
  const manifest = join(PACKAGE_DIR, "package.json");
  if (!existsSync(manifest)) return false;
  const { version } = JSON.parse(await readFile(manifest, "utf8")) as { version?: string };
  return version === OFFICIAL_SDK_VERSION;
}

async function install(): Promise<void> {
  process.stderr.write(`Installing @openai/codex-sdk@${OFFICIAL_SDK_VERSION} into ${CACHE_DIR} (once)…\n`);
  await mkdir(CACHE_DIR, { recursive: true });
  // A manifest of its own, so npm treats the cache folder as the project and never touches ours.
  await writeFile(join(CACHE_DIR, "package.json"), JSON.stringify({ name: "codex-app-sdk-bench-cache", private: true }));
  const args = ["install", "--omit=optional", "--no-audit", "--no-fund", "--prefix", CACHE_DIR, `@openai/codex-sdk@${OFFICIAL_SDK_VERSION}`];
  // Under `npm run`, npm_execpath is npm's own script: run it with this Node rather than relying on
  // PATH. npm's output goes to stderr, away from the table.
  const npmScript = process.env.npm_execpath;
  const [command, commandArgs] = npmScript?.endsWith(".js") ? [process.execPath, [npmScript, ...args]] : [process.platform === "win32" ? "npm.cmd" : "npm", args];
  const result = spawnSync(command, commandArgs, { stdio: ["ignore", 2, 2], shell: process.platform === "win32" });
  if (result.status !== 0) throw new Error(`npm install of @openai/codex-sdk failed (exit ${result.status}): ${result.error?.message ?? "see above"}`);
}

/** `env` without its undefined values, as the official SDK's `Record<string, string>` wants. */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
