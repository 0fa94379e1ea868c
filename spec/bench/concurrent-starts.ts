/**
 * Benchmark 9, concurrent starts: N `threadStart()` calls at once on a started client, until all
 * have resolved, against the raw driver sending N `thread/start` at once. Each round runs on a
 * fresh runtime (a runtime slows down with every thread it holds); starting it is not timed.
 * Rounds alternate between the two sides.
 *
 * @module
 */

import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import type { PairResult } from "./fresh-process.js";
import { RawDriver } from "./raw-driver.js";
import { alternate, range, summarize, timeMs } from "./stats.js";

/** Times in ms for `n` concurrent starts, per side. */
export interface ConcurrentStartsResult extends PairResult {
  n: number;
}

/** Runs `rounds` rounds per side of `n` concurrent thread starts, after one untimed round each. */
export async function benchConcurrentStarts(env: BenchEnvironment, n: number, rounds: number): Promise<ConcurrentStartsResult> {
  const sdkRound = async (): Promise<number> => {
    await using codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
    await codex.start();
    return await timeMs(() => Promise.all(range(n).map(() => codex.threadStart())));
  };
  const rawRound = async (): Promise<number> => {
    const raw = new RawDriver({ command: env.codexPath, env: env.runtimeEnv, cwd: env.workdir });
    try {
      await raw.initialize();
      return await timeMs(() => Promise.all(range(n).map(() => raw.threadStart())));
    } finally {
      await raw.close();
    }
  };
  await sdkRound();
  await rawRound();
  const { first: sdk, second: raw } = await alternate(rounds, sdkRound, rawRound);
  const summary = { sdk: summarize(sdk), raw: summarize(raw) };
  return { n, ...summary, ratio: summary.sdk.median / summary.raw.median, samples: { sdk, raw } };
}
