/**
 * Keeps the benchmarks from rotting: runs `spec/bench/run.ts --quick` (tiny sizes, no official
 * SDK) and checks that it reports every row with finite numbers. Timing is never asserted here:
 * `npm run bench` is where numbers are judged.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { it } from "node:test";
import { type Report, ROW_IDS } from "./report.js";

const RUN = fileURLToPath(new URL("./run.ts", import.meta.url));
/** Resolved here so the child finds tsx whatever the current directory is. */
const TSX = import.meta.resolve("tsx");

it("npm run bench -- --quick reports every row with finite numbers", { timeout: 180_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "codex-app-sdk-bench-spec-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const out = join(dir, "results.json");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", TSX, RUN, "--quick", "--out", out], { maxBuffer: 16 * 1024 * 1024 });

  const report = JSON.parse(await readFile(out, "utf8")) as Report;
  assert.equal(report.mode, "quick");
  assert.deepEqual(report.rows.map((row) => row.id), [...ROW_IDS]);
  assert.ok(report.machine.cores > 0);
  assert.match(report.machine.node, /^v\d+/);
  for (const row of report.rows) {
    if (row.id === "officialSdk") {
      assert.ok(row.skipped, "the official SDK is skipped in quick mode");
      continue;
    }
    assert.equal(row.skipped, undefined, row.id);
    assert.ok(Number.isFinite(row.sdk), `${row.id}: sdk is ${row.sdk}`);
    if (row.baseline !== null) assert.ok(Number.isFinite(row.baseline), `${row.id}: baseline is ${row.baseline}`);
    if (row.ratio !== null) assert.ok(Number.isFinite(row.ratio), `${row.id}: ratio is ${row.ratio}`);
    assert.equal(typeof row.met, "boolean", row.id);
  }
  // The table names the machine and has a line per row.
  assert.match(stdout, /Node v\d+.*\d+ cores/);
  for (const row of report.rows) assert.ok(stdout.includes(row.name), `the table shows ${row.name}`);
});
