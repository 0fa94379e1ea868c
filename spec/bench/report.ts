/**
 * The benchmark report: one row per measured quantity, each with its target, the machine it ran
 * on, a printed table and the JSON written to `results.json`.
 *
 * @module
 */

import { cpus, totalmem } from "node:os";

/** Every row id a complete report has, in order (the test checks them). */
export const ROW_IDS = [
  "coldStart",
  "warmTurn",
  "streamingThroughput",
  "streamingCost",
  "concurrency",
  "memoryHeapGrowth",
  "memoryRssGrowth",
  "memoryHeapSecondHalf",
  "optOutClientCpu",
  "officialSdk",
  "freshProcess",
  "import",
  "concurrentStarts1",
  "concurrentStarts16",
  "concurrentStarts64",
  "remoteWarmTurnWs",
  "remoteStreamingWs",
  "remoteWarmTurnUnix",
  "remoteStreamingUnix",
  "pool",
] as const;

/** How a row is judged against its target. */
export interface Target {
  /** Which number the target applies to: the SDK's value or the ratio. */
  on: "sdk" | "ratio";
  op: "<=" | ">=" | "<";
  value: number;
  /** The target as printed, e.g. `≤ 1.10×`. */
  text: string;
}

/** One line of the table. Numbers are `null` only in a skipped row. */
export interface Row {
  /** Stable key, e.g. `coldStart`; the test checks that every expected key is present. */
  id: string;
  /** What is measured, as printed. */
  name: string;
  unit: string;
  /** This SDK's median. */
  sdk: number | null;
  /** The comparison's median, in the same unit. */
  baseline: number | null;
  /** What the baseline is, e.g. `raw driver`. */
  baselineName: string;
  /** The ratio the target is about (its direction is in the row's name), when there is one. */
  ratio: number | null;
  target: Target;
  met: boolean | null;
  /** Why the row has no numbers. */
  skipped?: string;
}

/** The machine and software the numbers come from. */
export interface Machine {
  node: string;
  cores: number;
  cpuModel: string;
  platform: string;
  arch: string;
  memoryGiB: number;
  runtimeVersion: string;
}

/** Everything `results.json` holds. */
export interface Report {
  generatedAt: string;
  mode: "full" | "quick";
  machine: Machine;
  rows: Row[];
  /** Lines printed under the table: measurements that have no target of their own. */
  notes: string[];
  /** Each benchmark's full result (every sample), by benchmark. */
  details: Record<string, unknown>;
}

/** Builds a row and judges it against its target. */
export function row(fields: Omit<Row, "met">): Row {
  const { target } = fields;
  const value = target.on === "sdk" ? fields.sdk : fields.ratio;
  const met = value === null || !Number.isFinite(value) ? null : compare(value, target.op, target.value);
  return { ...fields, met };
}

/** A row for a benchmark that did not run. */
export function skippedRow(id: string, name: string, unit: string, baselineName: string, target: Target, reason: string): Row {
  return { id, name, unit, sdk: null, baseline: null, baselineName, ratio: null, target, met: null, skipped: reason };
}

function compare(value: number, op: Target["op"], limit: number): boolean {
  if (op === "<=") return value <= limit;
  if (op === ">=") return value >= limit;
  return value < limit;
}

/** The machine this process runs on. */
export function describeMachine(runtimeVersion: string): Machine {
  return {
    node: process.version,
    cores: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    platform: process.platform,
    arch: process.arch,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    runtimeVersion,
  };
}

/** The report as a plain-text table, with a header line naming the machine. */
export function formatTable(report: Report): string {
  const { machine } = report;
  const header = [
    `codex-app-sdk benchmarks (${report.mode}), ${report.generatedAt}`,
    `Node ${machine.node}, ${machine.cores} cores (${machine.cpuModel}), ${machine.platform}-${machine.arch}, ${machine.memoryGiB} GiB, runtime codex ${machine.runtimeVersion || "n/a"}`,
  ];
  const cells = [
    ["Benchmark", "SDK", "Baseline", "Ratio", "Target", "Met"],
    ...report.rows.map((r) => [
      r.name,
      r.skipped ? "skipped" : `${formatNumber(r.sdk)} ${r.unit}`,
      r.skipped ?? (r.baseline === null ? "-" : `${formatNumber(r.baseline)} ${r.unit} (${r.baselineName})`),
      r.ratio === null ? "-" : `${r.ratio.toFixed(2)}×`,
      r.target.text,
      r.met === null ? "-" : r.met ? "yes" : "NO",
    ]),
  ];
  const widths = cells[0]!.map((_, column) => Math.max(...cells.map((line) => (line[column] ?? "").length)));
  const lines = cells.map((line) => line.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("  "));
  const legend = "Ratio: SDK ÷ baseline (medians), except row 6: official SDK ÷ ours, and row 11: measured ÷ linear scaling. Memory: this process, after a full GC.";
  return [...header, "", ...lines, "", legend, ...report.notes].join("\n");
}

/** A number with thousands separators and precision suited to its size. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
