/**
 * Benchmark 7, remote runtimes: the SDK over `ws://` and `unix://` against a raw WebSocket driver
 * (raw-ws-driver.ts) on the same runtime server, each on its own connection and thread, alternated
 * turn by turn: warm sequential turns, and turns streaming many deltas (the model streams
 * `stream N` prompts as N deltas), which is where framing costs show.
 *
 * @module
 */

import { AsyncCodex, startRuntimeServer } from "../../lib/index.js";
import type { BenchEnvironment } from "./environment.js";
import { RawWsDriver } from "./raw-ws-driver.js";
import { alternate, type Summary, summarize, timeMs } from "./stats.js";

/** Sizes of the remote benchmark. */
export interface RemoteOptions {
  warmTurns: number;
  /** Deltas per streaming turn. */
  deltas: number;
  streamingTurns: number;
}

/** Per-turn wall times in ms, SDK and raw driver, with the ratios of the medians. */
export interface RemoteResult {
  transport: "ws" | "unix";
  warmTurn: { sdk: Summary; raw: Summary; ratio: number };
  streaming: { sdk: Summary; raw: Summary; ratio: number; deltas: number };
}

/** Untimed turns on each side first. */
const WARM_UP_TURNS = 3;

/** Runs both comparisons over one transport. */
export async function benchRemote(env: BenchEnvironment, transport: "ws" | "unix", options: RemoteOptions): Promise<RemoteResult> {
  await using server = await startRuntimeServer({ codexHome: env.codexHome, cwd: env.workdir, listen: transport });
  await using codex = new AsyncCodex({ remote: server.remote });
  const raw = await RawWsDriver.connect(server.url, server.token);
  try {
    const thread = await codex.threadStart();
    const rawThread = await raw.threadStart();
    const compare = async (turns: number, prompt: string) => {
      const sdkTurn = () => timeMs(() => thread.run(prompt));
      const rawTurn = () => timeMs(() => raw.runTurn(rawThread, prompt));
      await alternate(WARM_UP_TURNS, sdkTurn, rawTurn);
      const { first, second } = await alternate(turns, sdkTurn, rawTurn);
      const sdk = summarize(first);
      const rawSummary = summarize(second);
      return { sdk, raw: rawSummary, ratio: sdk.median / rawSummary.median };
    };
    const warmTurn = await compare(options.warmTurns, "Say hello.");
    const streaming = await compare(options.streamingTurns, `stream ${options.deltas}`);
    return { transport, warmTurn, streaming: { ...streaming, deltas: options.deltas } };
  } finally {
    raw.close();
  }
}
