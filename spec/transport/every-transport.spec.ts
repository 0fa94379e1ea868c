// The end-to-end turn specs (streaming, run, concurrency, approvals, structured output, interrupt,
// abort, watchdog) run as they are on stdio, and here again over ws:// and unix://: each run is
// the same files in a child test process with CODEX_SDK_TEST_TRANSPORT set, so every test in them
// drives a runtime reached through the WebSocket transport (see spec/support/offline-codex.ts).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TURN_SPECS = [
  "spec/turns/turn-handle.spec.ts",
  "spec/server-requests/handlers.spec.ts",
  "spec/turns/structured-output.spec.ts",
  "spec/client/reliability-cancellation.spec.ts",
  "spec/client/reliability-watchdog.spec.ts",
];

for (const transport of ["ws", "unix"] as const) {
  test(`the end-to-end turn specs pass over ${transport}`, async (t) => {
    // Without NODE_TEST_CONTEXT: the child must run as its own test runner, not report to this one.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const run = promisify(execFile)(process.execPath, ["--import", "tsx", "--test", "--test-reporter=tap", ...TURN_SPECS], {
      cwd: ROOT,
      env: { ...env, CODEX_SDK_TEST_TRANSPORT: transport },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    const { stdout } = await run.catch((error: { stdout?: string; message: string }) => {
      assert.fail(`over ${transport}:\n${(error.stdout ?? "").split("\n").filter((line) => /^\s*not ok|error:|expected|actual/.test(line)).join("\n") || error.message}`);
    });
    const passed = Number(/^# pass (\d+)$/m.exec(stdout)?.[1]);
    assert.equal(Number(/^# fail (\d+)$/m.exec(stdout)?.[1]), 0);
    assert.ok(passed >= 40, `${passed} tests passed over ${transport}`);
    t.diagnostic(`${passed} tests passed over ${transport}`);
  });
}
