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
import { alternate, childCpuMs, type CpuAndWall, measureCpuAndWall, median, type Summary, summarize } from "./stats.js";

/** Per-turn wall times in ms. */
export interface WarmTurnResult {
  sdk: Summary;
  raw: Summary;
  /** Median SDK turn over median raw turn. */
  ratio: number;
  /** Median CPU this (client) process spent per turn, in ms: the driver's own cost, free of the runtime's noise. */
  clientCpuMsPerTurn: { sdk: number; raw: number };
  /** CPU each side's runtime process spent per measured turn, in ms (Linux only, else null). */
  runtimeCpuMsPerTurn: { sdk: number | null; raw: number | null };
  samples: { sdk: CpuAndWall[]; raw: CpuAndWall[] };
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
    const sdkTurn = (): Promise<CpuAndWall> => measureCpuAndWall(() => thread.run("Say hello."));
    const rawTurn = (): Promise<CpuAndWall> => measureCpuAndWall(() => raw.runTurn(rawThread, "Say hello."));
    await alternate(WARM_UP_TURNS, sdkTurn, rawTurn);
    const runtimeCpuBefore = { sdk: childCpuMs(codex.pid), raw: childCpuMs(raw.pid) };
    const { first: sdk, second: rawTurns } = await alternate(turns, sdkTurn, rawTurn);
    const perTurn = (before: number | undefined, after: number | undefined): number | null =>
      before === undefined || after === undefined ? null : (after - before) / turns;
    const summary = { sdk: summarize(sdk.map((turn) => turn.wallMs)), raw: summarize(rawTurns.map((turn) => turn.wallMs)) };
    return {
      ...summary,
      ratio: summary.sdk.median / summary.raw.median,
      clientCpuMsPerTurn: { sdk: median(sdk.map((turn) => turn.cpuMs)), raw: median(rawTurns.map((turn) => turn.cpuMs)) },
      runtimeCpuMsPerTurn: { sdk: perTurn(runtimeCpuBefore.sdk, childCpuMs(codex.pid)), raw: perTurn(runtimeCpuBefore.raw, childCpuMs(raw.pid)) },
      samples: { sdk, raw: rawTurns },
    };
  } finally {
    await raw.close();
  }
}
