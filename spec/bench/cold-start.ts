/**
 * Benchmark 1, cold start: from `new AsyncCodex()` to the first `models()` resolved, against the
 * raw driver spawning the same binary and doing `initialize`, `initialized` and `model/list`.
 * Closing the process is not timed.
 *
 * @module
 */

import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { RawDriver } from "./raw-driver.js";
import { alternate, type Summary, summarize } from "./stats.js";

/** Start times in ms, each side alternating with the other. */
export interface ColdStartResult {
  sdk: Summary;
  raw: Summary;
  /** Median SDK time over median raw time. */
  ratio: number;
  samples: { sdk: number[]; raw: number[] };
}

/** Runs the cold-start benchmark: `runs` starts on each side, alternating, after one untimed start each. */
export async function benchColdStart(env: BenchEnvironment, runs: number): Promise<ColdStartResult> {
  const sdkStart = async (): Promise<number> => {
    const start = performance.now();
    const codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
    await codex.models();
    const elapsed = performance.now() - start;
    await codex.close();
    return elapsed;
  };
  const rawStart = async (): Promise<number> => {
    const start = performance.now();
    const driver = new RawDriver({ command: env.codexPath, env: env.runtimeEnv, cwd: env.workdir });
    await driver.initialize();
    await driver.request("model/list", { includeHidden: false });
    const elapsed = performance.now() - start;
    await driver.close();
    return elapsed;
  };
  // The first start on a fresh CODEX_HOME creates its state and warms the page cache: not measured.
  await rawStart();
  await sdkStart();
  const { first: sdk, second: raw } = await alternate(runs, sdkStart, rawStart);
  const summary = { sdk: summarize(sdk), raw: summarize(raw) };
  return { ...summary, ratio: summary.sdk.median / summary.raw.median, samples: { sdk, raw } };
}
