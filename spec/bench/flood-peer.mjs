#!/usr/bin/env node
// A stand-in for `codex app-server` that floods notifications, for the streaming benchmark. It
// accepts (and ignores) the runtime's command line `[-c key=value]... app-server`, so `AsyncCodex`
// can spawn it through its `codexBin` option; that needs this file to be executable.
//
// It answers `initialize`, `thread/start` (thread k of FLOOD_TURNS gets a fixed id) and
// `turn/start` (the turn on thread k gets a fixed id). Once FLOOD_TURNS turn/starts have been
// answered, it writes one flood: FLOOD_NOTIFICATIONS pre-serialised notification lines in total,
// the turns interleaved line by line, each turn being `turn/started`, then agent-message deltas,
// `item/completed` with a command item and token usage updates, and last `turn/completed`.
// Lines omit "jsonrpc" and carry `emittedAtMs`, like the runtime's. Every further FLOOD_TURNS
// turn/starts get the same flood again (the turn ids repeat; each flood's turns have completed).
//
// Environment: FLOOD_NOTIFICATIONS (default 200000), FLOOD_TURNS (default 16).
// With `--dump` it writes one flood's bytes to stdout and exits: the benchmark's JSON.parse
// baseline reads exactly the bytes the SDK gets.

import { createInterface } from "node:readline";

const total = Number(process.env.FLOOD_NOTIFICATIONS ?? 200_000);
const turns = Number(process.env.FLOOD_TURNS ?? 16);

const uuid = (kind, n) => `01a20ba8-${kind}-7891-b085-${String(n).padStart(12, "0")}`;
const threadId = (k) => uuid("0000", k);
const turnId = (k) => uuid("1111", k);
const WORDS = ["Reading ", "the ", "repository ", "layout ", "before ", "changing ", "anything; ", "tests ", "live ", "in ", "spec/", ".\n"];
const EMITTED = 1_795_491_896_000;
const turnRecord = (k, status) => ({
  id: turnId(k),
  rootTurnId: turnId(k),
  items: [],
  itemsView: status === "inProgress" ? "notLoaded" : "summary",
  status,
  error: null,
  startedAt: 1_795_491_896,
  completedAt: status === "inProgress" ? null : 1_795_491_897,
  durationMs: status === "inProgress" ? null : 1000,
});

/** The i-th notification (0-based) of turn k, which has `count` of them. */
function notification(k, i, count) {
  const ids = { threadId: threadId(k), turnId: turnId(k) };
  const emittedAtMs = EMITTED + i;
  if (i === 0) return { method: "turn/started", params: { threadId: ids.threadId, turn: turnRecord(k, "inProgress") }, emittedAtMs };
  if (i === count - 1) return { method: "turn/completed", params: { threadId: ids.threadId, turn: turnRecord(k, "completed") }, emittedAtMs };
  // A cycle of 10: eight deltas, one completed command, one token usage update.
  const phase = i % 10;
  if (phase === 8) {
    const item = {
      type: "commandExecution",
      id: `call_${k}_${i}`,
      pluginId: null,
      scriptPath: null,
      command: "/bin/bash -lc 'rg -n \"TurnRouter\" lib'",
      cwd: "/home/user/project",
      processId: null,
      source: "agent",
      status: "completed",
      commandActions: [{ type: "search", command: "rg -n TurnRouter lib", query: "TurnRouter", path: "lib" }],
      aggregatedOutput: "lib/client/turn-router.ts:25:export class TurnRouter {\nlib/client/connection.ts:10:import { TurnRouter } from \"./turn-router.js\";\n",
      exitCode: 0,
      durationMs: 12,
      startedAtMs: emittedAtMs - 12,
      completedAtMs: emittedAtMs,
    };
    return { method: "item/completed", params: { item, ...ids, contentTokenCount: null, completedAtMs: emittedAtMs }, emittedAtMs };
  }
  if (phase === 9) {
    const breakdown = (n) => ({ totalTokens: 13 * n, inputTokens: 10 * n, cachedInputTokens: 0, cacheWriteInputTokens: 0, outputTokens: 3 * n, reasoningOutputTokens: 0 });
    return { method: "thread/tokenUsage/updated", params: { ...ids, tokenUsage: { total: breakdown(i), last: breakdown(1), modelContextWindow: 258_400 } }, emittedAtMs };
  }
  return { method: "item/agentMessage/delta", params: { ...ids, itemId: `msg_${k}`, delta: WORDS[i % WORDS.length] }, emittedAtMs };
}

/** One flood's bytes: every turn's lines, interleaved round robin. */
function buildFlood() {
  const counts = Array.from({ length: turns }, (_, k) => Math.floor(total / turns) + (k < total % turns ? 1 : 0));
  const lines = [];
  for (let i = 0; i < Math.max(...counts); i++) {
    for (let k = 0; k < turns; k++) if (i < counts[k]) lines.push(JSON.stringify(notification(k, i, counts[k])));
  }
  return Buffer.from(`${lines.join("\n")}\n`);
}

const flood = buildFlood();

if (process.argv.includes("--dump")) {
  process.stdout.write(flood);
} else {
  serve();
}

function serve() {
  let threadsStarted = 0;
  let turnsStarted = 0;
  const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on("line", (line) => {
    if (line.trim() === "") return;
    const { id, method, params } = JSON.parse(line);
    if (id === undefined) return;
    switch (method) {
      case "initialize":
        return write({ id, result: { userAgent: "flood_peer/0.0.0 (benchmark fixture)", codexHome: "/nonexistent", platformFamily: "unix", platformOs: "linux" } });
      case "thread/start":
        return write({ id, result: { thread: { id: threadId(threadsStarted++ % turns) }, model: "mock-model" } });
      case "turn/start": {
        const k = Number(String(params.threadId).slice(-12));
        write({ id, result: { turn: turnRecord(k, "inProgress") } });
        turnsStarted += 1;
        // Writes to a pipe are synchronous on Linux: this blocks while the client reads.
        if (turnsStarted % turns === 0) process.stdout.write(flood);
        return;
      }
      default:
        return write({ id, error: { code: -32600, message: `unknown method: ${method}` } });
    }
  });
}
