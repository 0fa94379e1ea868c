/**
 * Benchmark 4, concurrency: many threads each running several sequential turns, all at once, on
 * one runtime: the SDK against the raw driver doing the same. Throughput is turns per second of
 * wall time; starting the runtime and the threads is not timed.
 *
 * Each round runs on a fresh runtime: a runtime gets slower with every thread it has loaded (about
 * 3× after 8 rounds of 16 threads), a drift that would swamp the difference being measured.
 * Rounds alternate between the two sides.
 *
 * @module
 */

import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { RawDriver } from "./raw-driver.js";
import { alternate, measureCpuAndWall, median, range, type Summary, summarize } from "./stats.js";

/** Sizes of the concurrency benchmark. */
export interface ConcurrencyOptions {
  threads: number;
  turnsPerThread: number;
  /** Measured rounds per side. */
  rounds: number;
}

/** One round: throughput, and the CPU this (client) process spent per turn meanwhile. */
export interface ConcurrencyRound {
  turnsPerSecond: number;
  clientCpuMsPerTurn: number;
}

/** Throughput in turns per second, per round. */
export interface ConcurrencyResult {
  threads: number;
  turnsPerThread: number;
  sdk: Summary;
  raw: Summary;
  /** Median SDK throughput over median raw throughput (higher is better). */
  ratio: number;
  /** Median client CPU per turn in ms: what the driver itself costs, free of the runtime's noise. */
  clientCpuMsPerTurn: { sdk: number; raw: number };
  rounds: { sdk: ConcurrencyRound[]; raw: ConcurrencyRound[] };
}

/** Runs the concurrency benchmark after one untimed round per side. */
export async function benchConcurrency(env: BenchEnvironment, options: ConcurrencyOptions): Promise<ConcurrencyResult> {
  const { threads, turnsPerThread } = options;
  const turns = threads * turnsPerThread;
  const measure = async (runAll: () => Promise<unknown>): Promise<ConcurrencyRound> => {
    const { wallMs, cpuMs } = await measureCpuAndWall(runAll);
    return { turnsPerSecond: turns / (wallMs / 1000), clientCpuMsPerTurn: cpuMs / turns };
  };
  const prompt = (turn: number): string => `Turn ${turn}: say hello.`;

  const sdkRound = async (): Promise<ConcurrencyRound> => {
    await using codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
    const started = await Promise.all(range(threads).map(() => codex.threadStart()));
    // Awaited here, not returned as a promise: the runtime is disposed when this function returns.
    return await measure(() => Promise.all(started.map(async (thread) => {
      for (let turn = 0; turn < turnsPerThread; turn += 1) await thread.run(prompt(turn));
    })));
  };
  const rawRound = async (): Promise<ConcurrencyRound> => {
    const raw = new RawDriver({ command: env.codexPath, env: env.runtimeEnv, cwd: env.workdir });
    try {
      await raw.initialize();
      const started = await Promise.all(range(threads).map(() => raw.threadStart()));
      return await measure(() => Promise.all(started.map(async (threadId) => {
        for (let turn = 0; turn < turnsPerThread; turn += 1) await raw.runTurn(threadId, prompt(turn));
      })));
    } finally {
      await raw.close();
    }
  };

  await sdkRound();
  await rawRound();
  const { first: sdk, second: raw } = await alternate(options.rounds, sdkRound, rawRound);
  const summary = { sdk: summarize(sdk.map((round) => round.turnsPerSecond)), raw: summarize(raw.map((round) => round.turnsPerSecond)) };
  return {
    threads,
    turnsPerThread,
    ...summary,
    ratio: summary.sdk.median / summary.raw.median,
    clientCpuMsPerTurn: { sdk: median(sdk.map((round) => round.clientCpuMsPerTurn)), raw: median(raw.map((round) => round.clientCpuMsPerTurn)) },
    rounds: { sdk, raw },
  };
}
