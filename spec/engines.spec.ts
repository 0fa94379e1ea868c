// package.json's `engines` states the oldest Node the SDK runs on, and this proves it: a sample runs
// on exactly that version and on Node 22. Node 20.4.0 is the first with Symbol.asyncDispose, which
// `await using codex = new AsyncCodex()` needs (on 20.3.1: "TypeError: Object not disposable").
// The Node binaries come from the npm registry's `node` package, installed once into .cache/node/.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);

/** The oldest Node `engines` admits, and the Node 22 release the suite also runs on. */
const MINIMUM = /^>=(\d+\.\d+\.\d+)$/.exec((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }).engines.node)?.[1];
const NODE_22 = "22.23.3";

/** The path of Node `version`'s binary, installed from the npm registry into .cache/node/ when absent. */
async function nodeBinary(version: string): Promise<string> {
  const prefix = join(ROOT, ".cache", "node", version);
  const binary = join(prefix, "node_modules", "node", "node_modules", `node-${process.platform}-${process.arch}`, "bin", "node");
  if (!existsSync(binary)) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    await run(npm, ["install", "--prefix", prefix, `node@${version}`, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: ROOT, timeout: 300_000 });
  }
  return binary;
}

test("engines names an exact minimum version", () => {
  assert.equal(MINIMUM, "20.4.0");
});

for (const version of [MINIMUM ?? "unknown", NODE_22]) {
  test(`the quickstart sample runs on Node ${version}`, { timeout: 360_000 }, async () => {
    const node = await nodeBinary(version);
    const { stdout: reported } = await run(node, ["--version"]);
    assert.equal(reported.trim(), `v${version}`);
    // tsx runs the TypeScript sample: through --import from 20.6 on, through --loader before.
    const [major = 0, minor = 0] = version.split(".").map(Number);
    const loader = major > 20 || (major === 20 && minor >= 6) ? "--import" : "--loader";
    const { stdout } = await run(node, [loader, "tsx", "samples/quickstart.ts"], { cwd: ROOT, timeout: 60_000 });
    assert.match(stdout, /^status: completed$/m);
    assert.match(stdout, /^final response: echo: Now say goodbye\.$/m);
    assert.match(stdout, /^runtime version: 0\.169\.0$/m);
  });
}
