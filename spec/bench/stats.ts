/**
 * Small statistics and timing helpers for the benchmarks. Medians everywhere: these machines are
 * noisy, and one slow outlier (a GC, another process) must not move a result.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** The median of `values` (the mean of the two middle ones for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Summary of a sample: its median, extremes and size. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Summarises `values` (all fields NaN, n 0, when empty). */
export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    n: values.length,
  };
}

/**
 * Runs `first` and `second` alternately, `rounds` times each, and returns what each produced.
 * The order flips every round (first, second, second, first, first, …): alternating makes slow
 * drift of the machine (thermal, neighbours, a runtime accumulating state) hit both sides alike,
 * and flipping also cancels any advantage of going first, so the ratio of the medians stays
 * meaningful when absolute times wander.
 */
export async function alternate<A, B>(rounds: number, first: (round: number) => Promise<A>, second: (round: number) => Promise<B>): Promise<{ first: A[]; second: B[] }> {
  const firstResults: A[] = [];
  const secondResults: B[] = [];
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      firstResults.push(await first(round));
      secondResults.push(await second(round));
    } else {
      secondResults.push(await second(round));
      firstResults.push(await first(round));
    }
  }
  return { first: firstResults, second: secondResults };
}

/** Milliseconds `fn` took, by the monotonic clock. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Wall and CPU time (user + system, of this whole process) of one run, in ms. */
export interface CpuAndWall {
  wallMs: number;
  cpuMs: number;
}

/** Measures the wall time and this process's CPU time spent while `fn` runs. */
export async function measureCpuAndWall(fn: () => Promise<unknown>): Promise<CpuAndWall> {
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await fn();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * CPU time (user + system) a child process has used so far, in ms, read from `/proc`; `undefined`
 * where there is no `/proc` (not Linux) or the process is gone. Resolution: one clock tick (10 ms).
 */
export function childCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces), from field 3 on: utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * (1000 / CLOCK_TICKS_PER_SECOND) : undefined;
  } catch {
    return undefined;
  }
}

/** `sysconf(_SC_CLK_TCK)`, which is 100 on every Linux Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

let gcFunction: (() => void) | undefined;

/**
 * Runs a full garbage collection. `npm run bench` cannot pass `--expose-gc` to node, so the flag
 * is set at run time and `gc` taken from a fresh context, where V8 installs it once the flag is on.
 */
export function collectGarbage(): void {
  if (!gcFunction) {
    setFlagsFromString("--expose-gc");
    gcFunction = runInNewContext("gc") as () => void;
  }
  // Twice: the first pass may only queue finalizers and weak callbacks that free more.
  gcFunction();
  gcFunction();
}

/** `0, 1, …, n - 1`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, index) => index);
}
