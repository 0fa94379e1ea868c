/**
 * Benchmark 2, warm turn: sequential turns on one thread of an already running runtime,
 * `thread.run()` against the raw driver's `turn/start` → `turn/completed`. Both runtimes run side
 * by side and the turns alternate one by one, so drift hits both alike.
 *
 * @module
 */

import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { RawDriver } from "./raw-driver.js";
import { alternate, type Summary, summarize, timeMs } from "./stats.js";

/** Per-turn times in ms. */
export interface WarmTurnResult {
  sdk: Summary;
  raw: Summary;
  /** Median SDK turn over median raw turn. */
  ratio: number;
  samples: { sdk: number[]; raw: number[] };
}

/** Untimed turns on each side first: a fresh runtime's first turns are slower (~100 ms). */
const WARM_UP_TURNS = 3;

/** Runs `turns` measured turns on each side. */
export async function benchWarmTurn(env: BenchEnvironment, turns: number): Promise<WarmTurnResult> {
  await using codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
  const raw = new RawDriver({ command: env.codexPath, env: env.runtimeEnv, cwd: env.workdir });
  try {
    const thread = await codex.threadStart();
    await raw.initialize();
    const rawThread = await raw.threadStart();
    const sdkTurn = (): Promise<number> => timeMs(() => thread.run("Say hello."));
    const rawTurn = (): Promise<number> => timeMs(() => raw.runTurn(rawThread, "Say hello."));
    await alternate(WARM_UP_TURNS, sdkTurn, rawTurn);
    const { first: sdk, second: rawTimes } = await alternate(turns, sdkTurn, rawTurn);
    const summary = { sdk: summarize(sdk), raw: summarize(rawTimes) };
    return { ...summary, ratio: summary.sdk.median / summary.raw.median, samples: { sdk, raw: rawTimes } };
  } finally {
    await raw.close();
  }
}
