/**
 * Benchmark 7, pool scaling: the same CPU-bound load (many threads, each running sequential turns
 * against the instant fake model, so the runtimes' own CPU is the bottleneck) on a `CodexPool` of
 * 1, 2 and N spawned members, in one run. Throughput is turns per second of wall time; starting
 * the members and the threads is not timed. Each round runs on a fresh pool, and the member counts
 * take turns in a rotating order, so drift of the machine hits every count alike.
 *
 * @module
 */

import { cpus } from "node:os";
import { CodexPool } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { childCpuMs, measureCpuAndWall, median, range, type Summary, summarize } from "./stats.js";

/** One measured round. */
interface Round {
  turnsPerSecond: number;
  wallMs: number;
  /** CPU of all the pool's runtimes during the round; `undefined` without `/proc`. */
  runtimeCpuMs: number | undefined;
  clientCpuMs: number;
}

/** Sizes of the pool benchmark. */
export interface PoolBenchOptions {
  threads: number;
  turnsPerThread: number;
  /** Measured rounds per member count. */
  rounds: number;
  /** The member counts to compare; the first is the baseline. */
  memberCounts: number[];
}

/** Throughput for one member count. */
export interface PoolScalingPoint {
  members: number;
  turnsPerSecond: Summary;
  /** Median CPU the runtimes spent per turn, in ms (all members together; `null` without `/proc`). */
  runtimeCpuMsPerTurn: number | null;
  /** Median cores the runtimes kept busy together: their CPU time ÷ wall time (`null` without `/proc`). */
  runtimeCores: number | null;
  /** Median cores this process (the SDK and the test load) kept busy. */
  clientCores: number;
}

/** Throughput per member count, and how close the scaling came to linear. */
export interface PoolBenchResult {
  threads: number;
  turnsPerThread: number;
  cores: number;
  points: PoolScalingPoint[];
  /** The member count the scaling is judged at: the largest measured count not above the cores. */
  scaledMembers: number;
  /** Turns/s at `scaledMembers` ÷ (`scaledMembers` × turns/s on one member): 1 is linear. */
  efficiency: number;
}

/** The member counts of a full run: 1, 2 and N, where N is the core count (at least 3, to show what happens past the cores). */
export function memberCountsFor(cores: number): number[] {
  return [...new Set([1, 2, Math.max(cores, 3)])];
}

/** Runs the pool benchmark after one untimed round on the largest pool. */
export async function benchPool(env: BenchEnvironment, options: PoolBenchOptions): Promise<PoolBenchResult> {
  const { threads, turnsPerThread, memberCounts } = options;
  const turns = threads * turnsPerThread;
  const round = async (members: number): Promise<Round> => {
    await using pool = new CodexPool({ spawn: members, codexHome: env.codexHome, cwd: env.workdir });
    await pool.start();
    const started = await Promise.all(range(threads).map(() => pool.threadStart()));
    const pids = pool.stats().map((member) => member.pid);
    const cpuBefore = totalCpuMs(pids);
    const { wallMs, cpuMs } = await measureCpuAndWall(() => Promise.all(started.map(async (thread, index) => {
      for (let turn = 0; turn < turnsPerThread; turn += 1) await thread.run(`Thread ${index}, turn ${turn}: say hello.`);
    })));
    const cpuAfter = totalCpuMs(pids);
    const runtimeCpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    return { turnsPerSecond: turns / (wallMs / 1000), runtimeCpuMs, wallMs, clientCpuMs: cpuMs };
  };

  await round(Math.max(...memberCounts));
  const samples = new Map(memberCounts.map((members) => [members, [] as Round[]]));
  for (let index = 0; index < options.rounds; index += 1) {
    const shift = index % memberCounts.length;
    for (const members of [...memberCounts.slice(shift), ...memberCounts.slice(0, shift)]) samples.get(members)?.push(await round(members));
  }

  const points = memberCounts.map((members) => {
    const runs = samples.get(members) ?? [];
    const measured = runs.filter((run) => run.runtimeCpuMs !== undefined) as Array<Round & { runtimeCpuMs: number }>;
    return {
      members,
      turnsPerSecond: summarize(runs.map((run) => run.turnsPerSecond)),
      runtimeCpuMsPerTurn: measured.length === 0 ? null : median(measured.map((run) => run.runtimeCpuMs / turns)),
      runtimeCores: measured.length === 0 ? null : median(measured.map((run) => run.runtimeCpuMs / run.wallMs)),
      clientCores: median(runs.map((run) => run.clientCpuMs / run.wallMs)),
    };
  });
  const cores = cpus().length;
  const withinCores = points.filter((point) => point.members <= Math.max(cores, 2));
  const scaled = withinCores.at(-1) ?? (points[0] as PoolScalingPoint);
  const base = points[0] as PoolScalingPoint;
  const efficiency = scaled.turnsPerSecond.median / ((scaled.members / base.members) * base.turnsPerSecond.median);
  return { threads, turnsPerThread, cores, points, scaledMembers: scaled.members, efficiency };
}

function totalCpuMs(pids: Array<number | undefined>): number | undefined {
  let total = 0;
  for (const pid of pids) {
    const cpu = childCpuMs(pid);
    if (cpu === undefined) return undefined;
    total += cpu;
  }
  return total;
}
