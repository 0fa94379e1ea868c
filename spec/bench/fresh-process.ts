/**
 * Benchmarks 7 and 8, what a serverless handler pays on a cold instance, measured on the package
 * as it ships (the bundled build of scripts/build.ts, built once per run):
 * - fresh process: spawn `node` → import the SDK → first `models()` answered, against a raw driver
 *   script doing the least a client must in its own fresh process, on the same binary;
 * - import: the SDK's import alone, in a fresh process each time, beside importing an empty module.
 * Both alternate their two sides; ending the processes is not timed.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { bundleJavaScript } from "../../scripts/build.js";
import type { BenchEnvironment } from "./environment.js";
import { alternate, type Summary, summarize } from "./stats.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FRESH_SDK = fileURLToPath(new URL("./fresh-sdk.mjs", import.meta.url));
const FRESH_RAW = fileURLToPath(new URL("./fresh-raw.mjs", import.meta.url));
const IMPORT_TIME = fileURLToPath(new URL("./import-time.mjs", import.meta.url));

/** The built package the fresh processes import. */
export interface BenchBuild {
  /** `file:` URL of the built `index.js`. */
  entry: string;
  /** `file:` URL of an empty ES module, the import baseline. */
  empty: string;
}

/**
 * Bundles the SDK as it ships into `.cache/` (inside the repository, so the build finds
 * `@openai/codex` in node_modules as an installed package does).
 */
export async function buildForBench(): Promise<BenchBuild> {
  const dir = join(REPO_ROOT, ".cache", "bench-build");
  await bundleJavaScript(join(dir, "dist"));
  await writeFile(join(dir, "package.json"), `${JSON.stringify({ type: "module" })}\n`);
  await mkdir(join(dir, "empty"), { recursive: true });
  await writeFile(join(dir, "empty", "index.js"), "export {};\n");
  return { entry: pathToFileURL(join(dir, "dist", "index.js")).href, empty: pathToFileURL(join(dir, "empty", "index.js")).href };
}

/** Times in ms of one side against the other, alternating. */
export interface PairResult {
  sdk: Summary;
  raw: Summary;
  /** Median SDK time over median baseline time. */
  ratio: number;
  samples: { sdk: number[]; raw: number[] };
}

/** Fresh `node` → first `models()` answered: `runs` per side, alternating, after one untimed run each. */
export async function benchFreshProcess(env: BenchEnvironment, build: BenchBuild, runs: number): Promise<PairResult> {
  const sdk = (): Promise<number> => timeToAnswer([FRESH_SDK, build.entry, env.workdir], env);
  const raw = (): Promise<number> => timeToAnswer([FRESH_RAW, env.codexPath, env.workdir], env);
  await raw();
  await sdk();
  return pair(await alternate(runs, sdk, raw));
}

/** The SDK's import time in a fresh process, against importing an empty module. */
export async function benchImport(build: BenchBuild, runs: number): Promise<PairResult> {
  const importMs = async (url: string): Promise<number> => {
    const child = spawn(process.execPath, [IMPORT_TIME, url], { stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const [code] = (await once(child, "exit")) as [number | null];
    const ms = Number(output.trim());
    if (code !== 0 || !Number.isFinite(ms)) throw new Error(`importing ${url} failed (exit ${code}): ${output}`);
    return ms;
  };
  await importMs(build.entry);
  return pair(await alternate(runs, () => importMs(build.entry), () => importMs(build.empty)));
}

function pair({ first: sdk, second: raw }: { first: number[]; second: number[] }): PairResult {
  const summary = { sdk: summarize(sdk), raw: summarize(raw) };
  return { ...summary, ratio: summary.sdk.median / summary.raw.median, samples: { sdk, raw } };
}

/** Spawns `node args…` and returns the ms until it writes `answered`; waits for its exit untimed. */
async function timeToAnswer(args: readonly string[], env: BenchEnvironment): Promise<number> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { env: env.runtimeEnv, cwd: env.workdir, stdio: ["ignore", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const lines = createInterface({ input: child.stdout });
  let elapsed: number | undefined;
  for await (const line of lines) {
    if (line === "answered") {
      elapsed = performance.now() - start;
      break;
    }
  }
  child.stdout.resume();
  const [code] = (await exited) as [number | null];
  if (elapsed === undefined || code !== 0) throw new Error(`${args[0]} exited with ${code} before answering`);
  return elapsed;
}
