/**
 * Benchmark 3, streaming throughput: what the SDK costs per notification, from bytes on its stdin
 * pipe to a `for await` consumer, through all of its real layers (ProcessTransport and its line
 * framing, RpcPeer, TurnRouter, TurnHandle). The runtime is replaced by `flood-peer.mjs`, which
 * floods pre-serialised notifications across concurrent turns, so the client is the bottleneck.
 * The floor is bare `JSON.parse` of the same bytes, split into lines, in this process.
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";
import { AsyncCodex } from "../../lib/index.js";
import { alternate, collectGarbage, type CpuAndWall, measureCpuAndWall, median } from "./stats.js";

/** Sizes of the streaming benchmark. */
export interface StreamingOptions {
  /** Notifications per flood, across all turns. */
  notifications: number;
  /** Concurrent turns (one thread each) the flood is spread over. */
  turns: number;
  /** Measured floods, each alternated with one baseline run. */
  rounds: number;
}

/** Medians of the measured rounds. */
export interface StreamingResult {
  notifications: number;
  turns: number;
  floodBytes: number;
  /** SDK: wall and CPU time of one flood, in ms (median). */
  sdk: CpuAndWall;
  /** Bare JSON.parse of the same bytes: wall and CPU time, in ms (median). */
  parse: CpuAndWall;
  /** Notifications per second of wall time through the SDK. */
  sdkPerSecond: number;
  /** CPU microseconds per notification: SDK, bare parse. */
  sdkCpuUsPerNotification: number;
  parseCpuUsPerNotification: number;
  /** SDK CPU cost over the bare parse cost. */
  costRatio: number;
  /** Every round, for the JSON file. */
  rounds: { sdk: CpuAndWall[]; parse: CpuAndWall[] };
}

const FIXTURE = fileURLToPath(new URL("./flood-peer.mjs", import.meta.url));
/** The size of a Linux pipe buffer: how the bytes arrive on the SDK's side too. */
const CHUNK_BYTES = 64 * 1024;

/** Runs the streaming benchmark. */
export async function benchStreaming(options: StreamingOptions): Promise<StreamingResult> {
  const dir = await mkdtemp(join(tmpdir(), "codex-app-sdk-bench-flood-"));
  try {
    const peer = await installFixture(dir);
    const env = { FLOOD_NOTIFICATIONS: String(options.notifications), FLOOD_TURNS: String(options.turns) };
    const flood = execFileSync(process.execPath, [peer, "--dump"], { env: { ...process.env, ...env }, maxBuffer: 2 ** 31 - 1 });
    const chunks = split(flood, CHUNK_BYTES);

    await using codex = new AsyncCodex({ codexBin: peer, codexHome: dir, env });
    const threads = await Promise.all(Array.from({ length: options.turns }, () => codex.threadStart()));
    const sdkFlood = async (): Promise<CpuAndWall> => {
      collectGarbage();
      return measureCpuAndWall(async () => {
        const handles = await Promise.all(threads.map((thread) => thread.turn("flood")));
        const counts = await Promise.all(handles.map(async (handle) => {
          let count = 0;
          for await (const _ of handle) count += 1;
          return count;
        }));
        const received = counts.reduce((sum, count) => sum + count, 0);
        if (received !== options.notifications) throw new Error(`the SDK delivered ${received} of ${options.notifications} notifications`);
      });
    };
    const bareParse = async (): Promise<CpuAndWall> => {
      collectGarbage();
      return measureCpuAndWall(async () => {
        const parsed = parseLines(chunks);
        if (parsed !== options.notifications) throw new Error(`parsed ${parsed} of ${options.notifications} lines`);
      });
    };
    // One untimed round each, so both are measured with warm (optimised) code.
    await sdkFlood();
    await bareParse();
    const measured = await alternate(options.rounds, sdkFlood, bareParse);
    const sdk = medianRun(measured.first);
    const parse = medianRun(measured.second);
    const n = options.notifications;
    return {
      notifications: n,
      turns: options.turns,
      floodBytes: flood.length,
      sdk,
      parse,
      sdkPerSecond: n / (sdk.wallMs / 1000),
      sdkCpuUsPerNotification: (sdk.cpuMs * 1000) / n,
      parseCpuUsPerNotification: (parse.cpuMs * 1000) / n,
      costRatio: sdk.cpuMs / parse.cpuMs,
      rounds: { sdk: measured.first, parse: measured.second },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Copies the fixture into `dir` as an executable, with this very Node in its shebang, so
 * `codexBin` can point at it however the checkout stored the file's mode and whichever `node` is
 * first on PATH.
 */
async function installFixture(dir: string): Promise<string> {
  const source = await readFile(FIXTURE, "utf8");
  const shebang = /\s/.test(process.execPath) ? "#!/usr/bin/env node" : `#!${process.execPath}`;
  const path = join(dir, "flood-peer.mjs");
  await writeFile(path, source.replace(/^#!.*/, shebang));
  await chmod(path, 0o755);
  return path;
}

/** `bytes` cut into pieces of `size` bytes, cutting through lines as a pipe does. */
function split(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += size) chunks.push(bytes.subarray(start, start + size));
  return chunks;
}

/** The floor: decode each chunk, split it into lines, JSON.parse each line. Returns the line count. */
function parseLines(chunks: readonly Buffer[]): number {
  // A chunk may end inside a multi-byte character; the decoder holds those bytes back.
  const decoder = new StringDecoder("utf8");
  let partial = "";
  let count = 0;
  for (const chunk of chunks) {
    const text = partial + decoder.write(chunk);
    let start = 0;
    for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
      if (JSON.parse(text.slice(start, newline)) !== null) count += 1;
      start = newline + 1;
    }
    partial = text.slice(start);
  }
  return count;
}

/** The per-field medians of some runs. */
function medianRun(runs: readonly CpuAndWall[]): CpuAndWall {
  return { wallMs: median(runs.map((run) => run.wallMs)), cpuMs: median(runs.map((run) => run.cpuMs)) };
}
