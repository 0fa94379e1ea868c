import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

test("npm run docs builds the API reference with no warnings (every export documented)", async () => {
  const out = await mkdtemp(join(tmpdir(), "codex-app-sdk-docs-"));
  try {
    // typedoc.json sets treatWarningsAsErrors and validation.notDocumented, so any gap fails the build.
    const typedoc = join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [typedoc, "--out", out], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    assert.doesNotMatch(stdout + stderr, /\[(warning|error)\]/i);
    for (const page of ["index.html", "classes/index.AsyncCodex.html", "classes/index.Thread.html", "interfaces/index.TurnResult.html", "functions/testing.createOfflineEnvironment.html"]) {
      assert.ok(existsSync(join(out, page)), `${page} was generated`);
    }
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
