import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { CodexNotFoundError } from "../../lib/errors.js";
import { resolveCodexBinary } from "../../lib/transport/codex-binary.js";

const TRIPLES: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};
const triple = TRIPLES[`${process.platform}-${process.arch}`] ?? "unsupported";
const executable = process.platform === "win32" ? "codex.exe" : "codex";
/** The platform package the pinned `@openai/codex` installs, as the repository's node_modules holds it. */
const platformPackage = realpathSync(resolve("node_modules", "@openai", `codex-${process.platform}-${process.arch}`));
const launcherPackage = realpathSync(resolve("node_modules", "@openai", "codex"));
const pinnedBinary = join(platformPackage, "vendor", triple, "bin", executable);
const pinnedTools = join(platformPackage, "vendor", triple, "codex-path");

const scratch = mkdtempSync(join(tmpdir(), "codex-binary-spec-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Creates an executable file standing in for a binary, optionally with a `codex-path` folder beside `bin`. */
function fakeBinary(name: string, withTools: boolean): { path: string; tools: string } {
  const root = join(scratch, name);
  mkdirSync(join(root, "bin"), { recursive: true });
  const path = join(root, "bin", executable);
  writeFileSync(path, "#!/bin/sh\n");
  chmodSync(path, 0o755);
  const tools = join(root, "codex-path");
  if (withTools) mkdirSync(tools, { recursive: true });
  return { path, tools };
}

describe("resolveCodexBinary", () => {
  it("finds the pinned platform binary in node_modules by default", () => {
    assert.ok(existsSync(pinnedBinary), `the pinned runtime should be installed at ${pinnedBinary}`);
    const binary = resolveCodexBinary({ env: { PATH: "/usr/bin" } });
    assert.equal(binary.path, pinnedBinary);
    assert.match(relative(process.cwd(), binary.path).replaceAll("\\", "/"), new RegExp(`^node_modules/@openai/codex-${process.platform}-${process.arch}/vendor/${triple}/bin/${executable}$`));
  });

  it("prepends the bundled codex-path tools folder to PATH and marks the runtime as npm-managed, as the launcher does", () => {
    const binary = resolveCodexBinary({ env: { PATH: `/usr/local/bin${delimiter}/usr/bin`, HOME: "/home/x" } });
    assert.deepEqual(binary.env, {
      PATH: `${pinnedTools}${delimiter}/usr/local/bin${delimiter}/usr/bin`,
      CODEX_MANAGED_BY_NPM: "1",
      CODEX_MANAGED_PACKAGE_ROOT: launcherPackage,
    });
  });

  it("sets PATH to the tools folder alone when the environment has no PATH", () => {
    const binary = resolveCodexBinary({ env: {} });
    assert.equal(binary.env.PATH, pinnedTools);
  });

  it("keeps the spelling of an existing Path variable (as on Windows)", () => {
    const binary = resolveCodexBinary({ env: { Path: "/bin" } });
    assert.equal(binary.env.Path, `${pinnedTools}${delimiter}/bin`);
    assert.equal(Object.hasOwn(binary.env, "PATH"), false);
  });

  it("uses CODEX_BIN from the environment when no codexBin option is given", () => {
    const fake = fakeBinary("from-env", false);
    const binary = resolveCodexBinary({ env: { CODEX_BIN: fake.path, PATH: "/bin" } });
    assert.equal(binary.path, fake.path);
    assert.deepEqual(binary.env, {}, "no tools folder beside it, and not npm-managed");
  });

  it("prefers the codexBin option over CODEX_BIN", () => {
    const fromOption = fakeBinary("from-option", false);
    const fromEnv = fakeBinary("from-env-2", false);
    const binary = resolveCodexBinary({ codexBin: fromOption.path, env: { CODEX_BIN: fromEnv.path } });
    assert.equal(binary.path, fromOption.path);
  });

  it("prepends the tools folder beside an explicit binary when there is one", () => {
    const fake = fakeBinary("with-tools", true);
    const binary = resolveCodexBinary({ codexBin: fake.path, env: { PATH: "/bin" } });
    assert.deepEqual(binary.env, { PATH: `${fake.tools}${delimiter}/bin` });
  });

  it("resolves a relative explicit path to an absolute one", () => {
    const binary = resolveCodexBinary({ codexBin: relative(process.cwd(), pinnedBinary), env: {} });
    assert.equal(binary.path, pinnedBinary);
  });

  it("throws CodexNotFoundError naming a missing codexBin path, even when CODEX_BIN exists", () => {
    const missing = join(scratch, "nowhere", "codex");
    const fromEnv = fakeBinary("from-env-3", false);
    assert.throws(
      () => resolveCodexBinary({ codexBin: missing, env: { CODEX_BIN: fromEnv.path } }),
      (error: unknown) => {
        assert.ok(error instanceof CodexNotFoundError);
        assert.deepEqual(error.triedPaths, [missing]);
        assert.ok(error.message.includes(`the codexBin option does not exist: ${missing}`), error.message);
        assert.ok(error.message.includes(`  - ${missing}`), error.message);
        return true;
      },
    );
  });

  it("throws CodexNotFoundError naming CODEX_BIN and its path when that file is missing", () => {
    const missing = join(scratch, "gone", "codex");
    assert.throws(
      () => resolveCodexBinary({ env: { CODEX_BIN: missing } }),
      (error: unknown) => {
        assert.ok(error instanceof CodexNotFoundError);
        assert.deepEqual(error.triedPaths, [missing]);
        assert.ok(error.message.includes(`CODEX_BIN does not exist: ${missing}`), error.message);
        return true;
      },
    );
  });

  it("falls back to the pinned binary when CODEX_BIN is empty", () => {
    assert.equal(resolveCodexBinary({ env: { CODEX_BIN: "" } }).path, pinnedBinary);
  });
});
