/**
 * Benchmark 4, concurrency: many threads each running several sequential turns, all at once, on
 * one runtime: the SDK against the raw driver doing the same. Throughput is turns per second of
 * wall time; thread creation is not timed. Rounds alternate between the two sides.
 *
 * @module
 */

import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { RawDriver } from "./raw-driver.js";
import { alternate, range, type Summary, summarize, timeMs } from "./stats.js";

/** Sizes of the concurrency benchmark. */
export interface ConcurrencyOptions {
  threads: number;
  turnsPerThread: number;
  /** Measured rounds per side. */
  rounds: number;
}

/** Throughput in turns per second, per round. */
export interface ConcurrencyResult {
  threads: number;
  turnsPerThread: number;
  sdk: Summary;
  raw: Summary;
  /** Median SDK throughput over median raw throughput (higher is better). */
  ratio: number;
  samples: { sdk: number[]; raw: number[] };
}

/** Runs the concurrency benchmark after one untimed round per side. */
export async function benchConcurrency(env: BenchEnvironment, options: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const { threads, turnsPerThread } = options;
  const turns = threads * turnsPerThread;
  await using codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
  const raw = new RawDriver({ command: env.codexPath, env: env.runtimeEnv, cwd: env.workdir });
  try {
    await raw.initialize();
    const sdkRound = async (): Promise<number> => {
      const started = await Promise.all(range(threads).map(() => codex.threadStart()));
      const ms = await timeMs(() => Promise.all(started.map(async (thread) => {
        for (let turn = 0; turn < turnsPerThread; turn += 1) await thread.run(`Turn ${turn}: say hello.`);
      })));
      return turns / (ms / 1000);
    };
    const rawRound = async (): Promise<number> => {
      const started = await Promise.all(range(threads).map(() => raw.threadStart()));
      const ms = await timeMs(() => Promise.all(started.map(async (threadId) => {
        for (let turn = 0; turn < turnsPerThread; turn += 1) await raw.runTurn(threadId, `Turn ${turn}: say hello.`);
      })));
      return turns / (ms / 1000);
    };
    await sdkRound();
    await rawRound();
    const { first: sdk, second: rawRates } = await alternate(options.rounds, sdkRound, rawRound);
    const summary = { sdk: summarize(sdk), raw: summarize(rawRates) };
    return { threads, turnsPerThread, ...summary, ratio: summary.sdk.median / summary.raw.median, samples: { sdk, raw: rawRates } };
  } finally {
    await raw.close();
  }
}
