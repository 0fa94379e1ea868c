/**
 * Benchmark 5, memory: this process's heap and RSS after a full GC, sampled while one `AsyncCodex`
 * runs many sequential turns. A leak in the SDK (routing entries, listeners, buffers kept per turn
 * or per thread) shows as steady growth. The fake model runs in its own process, so the requests
 * it records do not count here.
 *
 * @module
 */

import { AsyncCodex } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { collectGarbage } from "./stats.js";

/** Sizes of the memory benchmark. */
export interface MemoryOptions {
  turns: number;
  /** A new thread every this many turns, so per-thread state is exercised too. */
  turnsPerThread: number;
  /** Samples taken, evenly spread over the turns (after the first sample, before any turn). */
  samples: number;
}

/** Memory after GC, in bytes, at a number of turns done. */
export interface MemorySample {
  turns: number;
  heapUsed: number;
  rss: number;
}

/** The samples and the growth they show. */
export interface MemoryResult {
  turns: number;
  samples: MemorySample[];
  /** The sample taken once warm-up is over (the first after turn 0), growth is counted from it. */
  warmUpTurns: number;
  /** Growth from the warm-up sample to the last one, in bytes. */
  heapGrowth: number;
  rssGrowth: number;
  /** Heap growth over the second half of the turns, in bytes: near zero when memory is flat. */
  heapGrowthSecondHalf: number;
}

/** Runs the memory benchmark. */
export async function benchMemory(env: BenchEnvironment, options: MemoryOptions): Promise<MemoryResult> {
  await using codex = new AsyncCodex({ codexHome: env.codexHome, cwd: env.workdir });
  await codex.start();
  const first = sample(0);
  const samples: MemorySample[] = [first];
  const every = Math.max(1, Math.floor(options.turns / options.samples));
  let thread = await codex.threadStart();
  for (let turn = 1; turn <= options.turns; turn += 1) {
    if ((turn - 1) % options.turnsPerThread === 0 && turn > 1) thread = await codex.threadStart();
    await thread.run(`Turn ${turn}: say hello.`);
    if (turn % every === 0 || turn === options.turns) samples.push(sample(turn));
  }
  const warmUp = samples[1] ?? first;
  const last = samples.at(-1) ?? first;
  const middle = samples.find((s) => s.turns >= options.turns / 2) ?? last;
  return {
    turns: options.turns,
    samples,
    warmUpTurns: warmUp.turns,
    heapGrowth: last.heapUsed - warmUp.heapUsed,
    rssGrowth: last.rss - warmUp.rss,
    heapGrowthSecondHalf: last.heapUsed - middle.heapUsed,
  };
}

function sample(turns: number): MemorySample {
  collectGarbage();
  const { heapUsed, rss } = process.memoryUsage();
  return { turns, heapUsed, rss };
}
