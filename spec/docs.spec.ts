import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
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
    const page = (path: string): string => readFileSync(join(out, path), "utf8");

    // Protocol types the public API returns or takes are in the reference, and signatures link to them.
    for (const type of ["ModelListResponse", "ThreadItem", "ThreadReadResponse", "CommandExecutionRequestApprovalParams", "ServerRequest", "GetAccountResponse"]) {
      assert.ok(existsSync(join(out, "types", `index.protocol.${type}.html`)), `protocol.${type} has a page`);
    }
    const codexPage = page("classes/index.AsyncCodex.html");
    assert.match(codexPage, /href="\.\.\/types\/index\.protocol\.ModelListResponse\.html"/, "models() links its result type");
    assert.match(page("interfaces/index.TurnResult.html"), /href="\.\.\/types\/index\.protocol\.ThreadItem\.html"/, "TurnResult.items links ThreadItem");
    // Only the reachable ones: a protocol type nothing in the API mentions stays out.
    assert.equal(existsSync(join(out, "types", "index.protocol.FsWatchParams.html")), false);
    // A diagnostics getter for the SDK's own tests is not API.
    assert.doesNotMatch(codexPage, /activeTurnRoutes/);
    // One [asyncDispose] per disposable, not one per declaration of AsyncDisposable.
    assert.equal(page("interfaces/testing.OfflineEnvironment.html").match(/class="tsd-signature tsd-anchor-link"[^>]*id="asyncdispose/g)?.length, 1);
    assert.doesNotMatch(page("types/index.Input.html"), /run\(&quot;Describe this image&quot;, \)/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
