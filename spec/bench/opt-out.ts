/**
 * Benchmark 7, notification opt-out: one chatty turn (thousands of `item/agentMessage/delta`)
 * with and without `optOutNotificationMethods: ["item/agentMessage/delta"]`, two clients side by
 * side on one fake model, turns alternated. Measures this process's CPU and the wall time per
 * turn; the bytes on the pipe come from one extra turn per side under the `logger` option (not
 * timed, since logging costs CPU of its own).
 *
 * @module
 */

import { AsyncCodex, type AsyncCodexOptions } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { alternate, type CpuAndWall, measureCpuAndWall, median } from "./stats.js";

/** Medians per turn, each side. */
export interface OptOutResult {
  deltas: number;
  /** Client CPU per turn, in ms. */
  clientCpuMs: { optOut: number; baseline: number };
  /** Wall time per turn, in ms. */
  wallMs: { optOut: number; baseline: number };
  /** Bytes the runtime sent for one turn. */
  bytes: { optOut: number; baseline: number };
  samples: { optOut: CpuAndWall[]; baseline: CpuAndWall[] };
}

const WARM_UP_TURNS = 1;
const OPT_OUT = ["item/agentMessage/delta"];

/** Runs `turns` measured turns per side; the environment's model answers with `deltas` deltas. */
export async function benchOptOut(env: BenchEnvironment, deltas: number, turns: number): Promise<OptOutResult> {
  const options: AsyncCodexOptions = { codexHome: env.codexHome, cwd: env.workdir };
  await using optOut = new AsyncCodex({ ...options, optOutNotificationMethods: OPT_OUT });
  await using baseline = new AsyncCodex(options);
  const [optOutThread, baselineThread] = await Promise.all([optOut.threadStart({ ephemeral: true }), baseline.threadStart({ ephemeral: true })]);
  const turn = (thread: typeof optOutThread) => (): Promise<CpuAndWall> => measureCpuAndWall(() => thread.run("Talk a lot."));
  await alternate(WARM_UP_TURNS, turn(optOutThread), turn(baselineThread));
  const { first, second } = await alternate(turns, turn(optOutThread), turn(baselineThread));
  return {
    deltas,
    clientCpuMs: { optOut: median(first.map((sample) => sample.cpuMs)), baseline: median(second.map((sample) => sample.cpuMs)) },
    wallMs: { optOut: median(first.map((sample) => sample.wallMs)), baseline: median(second.map((sample) => sample.wallMs)) },
    bytes: { optOut: await turnBytes(options, OPT_OUT), baseline: await turnBytes(options, []) },
    samples: { optOut: first, baseline: second },
  };
}

/** Bytes the runtime sends for one turn (from `turn/start` on), counted by the logger. */
async function turnBytes(options: AsyncCodexOptions, optOutNotificationMethods: string[]): Promise<number> {
  let bytes = 0;
  let counting = false;
  await using codex = new AsyncCodex({
    ...options,
    optOutNotificationMethods,
    logger: (entry) => {
      if (entry.method === "turn/start" && entry.direction === "out") counting = true;
      if (counting && entry.direction === "in") bytes += entry.size;
    },
  });
  await (await codex.threadStart({ ephemeral: true })).run("Talk a lot.");
  return bytes;
}
