import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

test("a program passing every option as undefined type-checks under exactOptionalPropertyTypes", async () => {
  // spec/types/exact-optional.ts also pins the types that say what the runtime accepts (TurnResult.status, effort).
  const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));
  const checked = await promisify(execFile)(process.execPath, [tsc, "--noEmit", "-p", "spec/types"], { cwd: ROOT, timeout: 120_000 }).then(
    () => "",
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  assert.equal(checked, "", "tsc reported errors");
});
