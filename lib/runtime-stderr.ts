/**
 * Reading what the runtime wrote to stderr: its log lines carry ANSI colour codes, and every start
 * logs warnings that explain nothing about a crash (PATH aliases under /tmp, the bundled
 * bubblewrap). These pick out the line that says what went wrong.
 *
 * @module
 */

/** ANSI escape sequences (colours, cursor moves), as `tracing` writes them. */
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/**
 * Lines the runtime writes on a healthy start, or that carry no information (a symbol-less
 * backtrace): never the cause of a crash.
 */
const NOISE = [
  /could not create PATH aliases/,
  /could not find bubblewrap/i,
  /^Stack backtrace:$/,
  /^\s*\d+: (<unknown>|0x[0-9a-f]+)\s*$/,
  /^\s+at (<unknown>|\S+:\d+(:\d+)?)\s*$/,
];

/** A line that reports an error: an `ERROR` log record, `Error: …`, `error: …`, or a panic. */
const ERROR_LINE = /^(\S+Z\s+)?ERROR\b|^Error:|^error:|panicked/;

/** A line that starts a new log record (then it is not the continuation of an error). */
const RECORD_START = /^(\S+Z\s+)?(ERROR|WARN|WARNING|INFO|DEBUG|TRACE)\b|^Error:|^error:|^Stack backtrace:/;

/** What a stderr tail says, with its startup noise set apart. */
export interface StderrSummary {
  /** The runtime's last real error (with the lines that continue it), without its timestamp; `undefined` when there is none. */
  lastError: string | undefined;
  /** The tail without noise lines, for the error message. */
  relevant: string;
}

/** Picks the runtime's last real error out of a stderr tail (ANSI already stripped or not). */
export function summarizeStderr(tail: string): StderrSummary {
  const lines = stripAnsi(tail)
    .split("\n")
    .filter((line) => line.trim() !== "" && !NOISE.some((noise) => noise.test(line)));
  let lastError: string | undefined;
  for (let index = lines.length - 1; index >= 0 && lastError === undefined; index -= 1) {
    const line = lines[index] as string;
    if (!ERROR_LINE.test(line)) continue;
    const continuation: string[] = [];
    for (const next of lines.slice(index + 1, index + 4)) {
      if (RECORD_START.test(next)) break;
      continuation.push(next.trim());
    }
    lastError = [line.replace(/^\S+Z\s+/, "").trim(), ...continuation].join(" ");
  }
  return { lastError, relevant: lines.join("\n") };
}
