/**
 * `npm run bench`: measures the SDK against the raw floor (a hand-written driver, bare JSON.parse)
 * and against the official SDK, prints a table and writes the medians and ratios as JSON.
 *
 * Usage: `npm run bench -- [--quick] [--out FILE] [--only ID,…]`
 * - `--quick`: tiny sizes, no official SDK; only checks that every benchmark still runs.
 * - `--out FILE`: where the JSON goes. Default: `spec/bench/results.json`, written only by a full
 *   run of every benchmark, so quick or partial runs never overwrite the committed results.
 * - `--only coldStart,streaming,…`: run some benchmarks (e.g. under `node --cpu-prof`).
 *
 * Every comparison alternates its two sides within one run: ratios, not absolute times, are the
 * results, because these machines are noisy.
 *
 * @module
 */

import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchColdStart } from "./cold-start.js";
import { benchConcurrency } from "./concurrency.js";
import { benchConcurrentStarts } from "./concurrent-starts.js";
import { type BenchEnvironment, createBenchEnvironment, runtimeVersion } from "./environment.js";
import { type BenchBuild, benchFreshProcess, benchImport, buildForBench } from "./fresh-process.js";
import { benchMemory } from "./memory.js";
import { benchOfficialSdk, OFFICIAL_SDK_VERSION } from "./official-sdk.js";
import { benchOptOut } from "./opt-out.js";
import { benchPool, memberCountsFor, type PoolScalingPoint } from "./pool.js";
import { describeMachine, formatTable, type Report, type Row, row, skippedRow } from "./report.js";
import { benchRemote } from "./remote.js";
import { benchStreaming } from "./streaming.js";
import { benchWarmTurn } from "./warm-turn.js";

/** The benchmarks, in the order they run. */
const BENCHMARKS = ["coldStart", "warmTurn", "streaming", "concurrency", "memory", "officialSdk", "optOut", "freshProcess", "import", "concurrentStarts", "remote", "pool"] as const;
type BenchmarkId = (typeof BENCHMARKS)[number];

/** How many `threadStart()` calls the concurrent-starts rows make at once (their row ids name these). */
const CONCURRENT_STARTS = [1, 16, 64];

const SIZES = {
  full: {
    coldStarts: 20,
    warmTurns: 50,
    streaming: { notifications: 200_000, turns: 16, rounds: 5 },
    concurrency: { threads: 16, turnsPerThread: 5, rounds: 8 },
    memory: { turns: 1000, turnsPerThread: 100, samples: 10 },
    optOut: { deltas: 20_000, turns: 9 },
    officialTurns: 20,
    freshProcesses: 20,
    imports: 30,
    // A single start is over in ~12 ms: more rounds for it, so the ratio is not one noisy sample's.
    concurrentStarts: { counts: CONCURRENT_STARTS, rounds: [30, 10, 10] },
    // Remote rows differ from their raw driver by ~0.1 ms of client CPU per turn; more samples keep
    // the medians from swinging ±10% between runs.
    remote: { warmTurns: 60, deltas: 20_000, streamingTurns: 12 },
    pool: { threads: 12, turnsPerThread: 5, rounds: 3, memberCounts: memberCountsFor(cpus().length) },
  },
  quick: {
    coldStarts: 2,
    warmTurns: 3,
    streaming: { notifications: 2000, turns: 16, rounds: 1 },
    concurrency: { threads: 2, turnsPerThread: 1, rounds: 1 },
    memory: { turns: 20, turnsPerThread: 10, samples: 4 },
    optOut: { deltas: 200, turns: 1 },
    officialTurns: 0,
    freshProcesses: 2,
    imports: 2,
    // Row ids name the full sizes; quick runs keep them with fewer starts (64 take seconds on the runtime).
    concurrentStarts: { counts: [1, 4, 8], rounds: [1, 1, 1] },
    remote: { warmTurns: 2, deltas: 500, streamingTurns: 1 },
    pool: { threads: 2, turnsPerThread: 1, rounds: 1, memberCounts: [1, 2] },
  },
};

const MB = 1024 * 1024;
const DEFAULT_OUT = fileURLToPath(new URL("./results.json", import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, out: { type: "string" }, only: { type: "string" } } });
  const only = values.only === undefined ? [...BENCHMARKS] : parseOnly(values.only);
  const mode = values.quick ? "quick" : "full";
  const sizes = SIZES[mode];
  const out = values.out ?? (mode === "full" && only.length === BENCHMARKS.length ? DEFAULT_OUT : undefined);

  const rows: Row[] = [];
  const notes: string[] = [];
  const details: Record<string, unknown> = {};
  const cpuNote = (what: string, cpu: { sdk: number; raw: number }): void => {
    notes.push(`Client CPU per turn, ${what}: SDK ${cpu.sdk.toFixed(2)} ms, raw driver ${cpu.raw.toFixed(2)} ms (this process only).`);
  };
  const progress = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);
  const run = async (id: BenchmarkId, fn: () => Promise<void>): Promise<void> => {
    if (!only.includes(id)) return;
    progress(`${id}…`);
    const started = performance.now();
    await fn();
    progress(`${id} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };

  await run("coldStart", () => withEnvironment(async (env) => {
    const result = await benchColdStart(env, sizes.coldStarts);
    details.coldStart = result;
    rows.push(row({
      id: "coldStart", name: "1. Cold start: new AsyncCodex() → models()", unit: "ms",
      sdk: result.sdk.median, baseline: result.raw.median, baselineName: "raw driver", ratio: result.ratio,
      target: { on: "ratio", op: "<=", value: 1.1, text: "≤ 1.10×" },
    }));
  }));

  await run("warmTurn", () => withEnvironment(async (env) => {
    const result = await benchWarmTurn(env, sizes.warmTurns);
    details.warmTurn = result;
    cpuNote("sequential", result.clientCpuMsPerTurn);
    const { sdk: runtimeSdk, raw: runtimeRaw } = result.runtimeCpuMsPerTurn;
    if (runtimeSdk !== null && runtimeRaw !== null) {
      notes.push(`Runtime CPU per turn, sequential: ${runtimeSdk.toFixed(1)} ms under the SDK, ${runtimeRaw.toFixed(1)} ms under the raw driver.`);
    }
    rows.push(row({
      id: "warmTurn", name: `2. Warm turn: thread.run(), ${sizes.warmTurns} sequential`, unit: "ms",
      sdk: result.sdk.median, baseline: result.raw.median, baselineName: "raw driver", ratio: result.ratio,
      target: { on: "ratio", op: "<=", value: 1.05, text: "≤ 1.05×" },
    }));
  }));

  await run("streaming", async () => {
    const result = await benchStreaming(sizes.streaming);
    details.streaming = result;
    const { notifications, turns } = result;
    rows.push(row({
      id: "streamingThroughput", name: `3. Streaming: ${notifications.toLocaleString("en-US")} notifications, ${turns} turns`, unit: "notif/s",
      sdk: result.sdkPerSecond, baseline: notifications / (result.parse.wallMs / 1000), baselineName: "bare JSON.parse", ratio: null,
      target: { on: "sdk", op: ">=", value: 250_000, text: "≥ 250,000/s" },
    }));
    rows.push(row({
      id: "streamingCost", name: "3. Streaming: CPU per notification", unit: "µs",
      sdk: result.sdkCpuUsPerNotification, baseline: result.parseCpuUsPerNotification, baselineName: "bare JSON.parse", ratio: result.costRatio,
      target: { on: "ratio", op: "<=", value: 3, text: "≤ 3×" },
    }));
  });

  await run("concurrency", () => withEnvironment(async (env) => {
    const result = await benchConcurrency(env, sizes.concurrency);
    details.concurrency = result;
    cpuNote("concurrent", result.clientCpuMsPerTurn);
    rows.push(row({
      id: "concurrency", name: `4. Concurrency: ${result.threads} threads × ${result.turnsPerThread} turns`, unit: "turns/s",
      sdk: result.sdk.median, baseline: result.raw.median, baselineName: "raw driver", ratio: result.ratio,
      target: { on: "ratio", op: ">=", value: 0.95, text: "≥ 0.95×" },
    }));
  }));

  await run("memory", () => withEnvironment(async (env) => {
    const result = await benchMemory(env, sizes.memory);
    details.memory = result;
    const name = (what: string): string => `5. Memory: ${what}, ${result.turns} turns`;
    const target = { on: "sdk" as const, op: "<" as const, value: 20, text: "< 20 MB" };
    rows.push(row({ id: "memoryHeapGrowth", name: name(`heap growth after turn ${result.warmUpTurns}`), unit: "MB", sdk: result.heapGrowth / MB, baseline: null, baselineName: "", ratio: null, target }));
    rows.push(row({ id: "memoryRssGrowth", name: name(`RSS growth after turn ${result.warmUpTurns}`), unit: "MB", sdk: result.rssGrowth / MB, baseline: null, baselineName: "", ratio: null, target }));
    rows.push(row({
      id: "memoryHeapSecondHalf", name: name("heap growth in the 2nd half"), unit: "MB", sdk: result.heapGrowthSecondHalf / MB, baseline: null, baselineName: "", ratio: null,
      target: { on: "sdk", op: "<", value: 2, text: "flat (< 2 MB)" },
    }));
  }));

  await run("optOut", () => withEnvironment(async (env) => {
    const result = await benchOptOut(env, sizes.optOut.deltas, sizes.optOut.turns);
    details.optOut = result;
    notes.push(
      `Opt-out of item/agentMessage/delta, one ${result.deltas.toLocaleString("en-US")}-delta turn: wall ${result.wallMs.optOut.toFixed(0)} ms vs ${result.wallMs.baseline.toFixed(0)} ms; ` +
        `bytes from the runtime ${(result.bytes.optOut / MB).toFixed(2)} MB vs ${(result.bytes.baseline / MB).toFixed(2)} MB.`,
    );
    rows.push(row({
      id: "optOutClientCpu", name: `7. Opt-out of deltas: client CPU per ${result.deltas.toLocaleString("en-US")}-delta turn`, unit: "ms",
      sdk: result.clientCpuMs.optOut, baseline: result.clientCpuMs.baseline, baselineName: "deltas delivered", ratio: result.clientCpuMs.optOut / result.clientCpuMs.baseline,
      target: { on: "ratio", op: "<=", value: 0.25, text: "≤ 0.25×" },
    }));
  }, { replyDeltas: sizes.optOut.deltas }));

  const officialName = `6. vs @openai/codex-sdk ${OFFICIAL_SDK_VERSION}: per turn, official ÷ ours`;
  const officialTarget = { on: "ratio" as const, op: ">=" as const, value: 3, text: "≥ 3× faster" };
  if (sizes.officialTurns === 0) {
    if (only.includes("officialSdk")) rows.push(skippedRow("officialSdk", officialName, "ms", "official SDK", officialTarget, "not in --quick mode"));
  } else {
    await run("officialSdk", () => withEnvironment(async (env) => {
      const result = await benchOfficialSdk(env, sizes.officialTurns);
      details.officialSdk = result;
      rows.push(row({
        id: "officialSdk", name: officialName, unit: "ms",
        sdk: result.ours.median, baseline: result.official.median, baselineName: "official SDK", ratio: result.speedup, target: officialTarget,
      }));
    }));
  }

  let build: BenchBuild | undefined;
  const published = async (): Promise<BenchBuild> => (build ??= await buildForBench());

  await run("freshProcess", () => withEnvironment(async (env) => {
    const result = await benchFreshProcess(env, await published(), sizes.freshProcesses);
    details.freshProcess = result;
    rows.push(row({
      id: "freshProcess", name: "8. Fresh process: node → import → first models()", unit: "ms",
      sdk: result.sdk.median, baseline: result.raw.median, baselineName: "raw driver, fresh process", ratio: result.ratio,
      target: { on: "ratio", op: "<=", value: 1.15, text: "≤ 1.15×" },
    }));
  }));

  await run("import", async () => {
    const result = await benchImport(await published(), sizes.imports);
    details.import = result;
    rows.push(row({
      id: "import", name: "9. Import of the published build, fresh process", unit: "ms",
      sdk: result.sdk.median, baseline: result.raw.median, baselineName: "empty module", ratio: null,
      target: { on: "sdk", op: "<=", value: 20, text: "≤ 20 ms" },
    }));
  });

  await run("concurrentStarts", () => withEnvironment(async (env) => {
    const results = [];
    for (const [index, n] of sizes.concurrentStarts.counts.entries()) {
      const result = await benchConcurrentStarts(env, n, sizes.concurrentStarts.rounds[index] ?? 1);
      results.push(result);
      rows.push(row({
        id: `concurrentStarts${CONCURRENT_STARTS[index]}`, name: `10. Concurrent starts: ${n} threadStart() at once`, unit: "ms",
        sdk: result.sdk.median, baseline: result.raw.median, baselineName: "raw driver", ratio: result.ratio,
        target: { on: "ratio", op: "<=", value: 1.1, text: "≤ 1.10×" },
      }));
    }
    details.concurrentStarts = results;
  }));

  await run("remote", async () => {
    for (const transport of ["ws", "unix"] as const) {
      await withEnvironment(async (env) => {
        const result = await benchRemote(env, transport, sizes.remote);
        details[`remote${transport}`] = result;
        const suffix = transport === "ws" ? "Ws" : "Unix";
        const target = { on: "ratio" as const, op: "<=" as const, value: 1.05, text: "≤ 1.05×" };
        rows.push(row({
          id: `remoteWarmTurn${suffix}`, name: `11. Remote ${transport}://: warm turn, ${sizes.remote.warmTurns} sequential`, unit: "ms",
          sdk: result.warmTurn.sdk.median, baseline: result.warmTurn.raw.median, baselineName: "raw ws driver", ratio: result.warmTurn.ratio, target,
        }));
        rows.push(row({
          id: `remoteStreaming${suffix}`, name: `11. Remote ${transport}://: ${sizes.remote.deltas.toLocaleString("en-US")}-delta turn`, unit: "ms",
          sdk: result.streaming.sdk.median, baseline: result.streaming.raw.median, baselineName: "raw ws driver", ratio: result.streaming.ratio, target,
        }));
      });
    }
  });

  await run("pool", () => withEnvironment(async (env) => {
    const result = await benchPool(env, sizes.pool);
    details.pool = result;
    const base = result.points[0];
    const scaled = result.points.find((point) => point.members === result.scaledMembers);
    const perCount = result.points.map((point) => `${point.members}: ${point.turnsPerSecond.median.toFixed(1)}`).join(", ");
    const byMembers = (value: (point: PoolScalingPoint) => number | null, digits: number): string =>
      result.points.map((point) => `${point.members}: ${value(point)?.toFixed(digits) ?? "n/a"}`).join(", ");
    notes.push(`Pool turns/s by members (${result.cores} cores, ${result.threads} threads × ${result.turnsPerThread} turns): ${perCount}.`);
    notes.push(`Pool runtime CPU per turn, ms: ${byMembers((point) => point.runtimeCpuMsPerTurn, 0)}; cores busy, runtimes: ${byMembers((point) => point.runtimeCores, 2)}; this process: ${byMembers((point) => point.clientCores, 2)}.`);
    rows.push(row({
      id: "pool", name: `12. Pool: turns/s, 1 → ${result.scaledMembers} members (${result.cores} cores)`, unit: "turns/s",
      sdk: scaled?.turnsPerSecond.median ?? Number.NaN, baseline: (base?.turnsPerSecond.median ?? Number.NaN) * result.scaledMembers, baselineName: "linear", ratio: result.efficiency,
      target: { on: "ratio", op: ">=", value: 0.9, text: "≥ 0.90× linear" },
    }));
  }));

  const report: Report = { generatedAt: new Date().toISOString(), mode, machine: describeMachine(runtimeVersion()), rows, notes, details };
  process.stdout.write(`${formatTable(report)}\n`);
  if (out === undefined) {
    progress("results not written (quick or partial run without --out)");
    return;
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  progress(`results written to ${out}`);
}

/** Runs `fn` with a fresh fake model process and `CODEX_HOME`, removed afterwards. */
async function withEnvironment(fn: (env: BenchEnvironment) => Promise<void>, options: { replyDeltas?: number } = {}): Promise<void> {
  await using env = await createBenchEnvironment(options);
  await fn(env);
}

function parseOnly(list: string): BenchmarkId[] {
  const ids = list.split(",").map((id) => id.trim());
  for (const id of ids) {
    if (!(BENCHMARKS as readonly string[]).includes(id)) throw new Error(`--only: unknown benchmark ${id}; known: ${BENCHMARKS.join(", ")}`);
  }
  return ids as BenchmarkId[];
}

await main();
