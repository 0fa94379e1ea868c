/**
 * The published package, as a user gets it: `npm pack` (which builds it), the tarball installed
 * into a fresh project, both entry points imported from plain ESM JavaScript and type-checked from
 * TypeScript under `nodenext`, `bundler` and `node10` resolution, with no `@types/node` installed.
 *
 * The install is offline: the tarball is unpacked into the project's node_modules (what
 * `npm install <tarball>` does with it) and its dependencies are linked to this repository's
 * installed copies, so the test needs no registry and never downloads the 400 MB runtime.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const run = promisify(execFile);

interface PackedFile {
  path: string;
}

const RESOLUTIONS = ["nodenext", "bundler", "node10"] as const;
type Resolution = (typeof RESOLUTIONS)[number];

let project: string;
let packed: PackedFile[];
/** Started together once the package is installed: each `tsc` takes seconds, and they overlap well. */
let typeChecks: Record<Resolution, Promise<TypeCheck>>;

describe("the published package", { timeout: 180_000 }, () => {
  let tempDir: string | undefined;
  after(() => (tempDir === undefined ? undefined : rm(tempDir, { recursive: true, force: true })));
  before(async () => {
    const dir = await realpath(await mkdtemp(join(tmpdir(), "codex-app-sdk-package-")));
    tempDir = dir;
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", dir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    const [result] = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{ filename: string; files: PackedFile[] }>;
    assert.ok(result);
    packed = result.files;
    project = join(dir, "app");
    await installTarball(join(dir, result.filename), project);
    typeChecks = { nodenext: typeCheck(project, "nodenext"), bundler: typeCheck(project, "bundler"), node10: typeCheck(project, "node10") };
    // Each test awaits its own; none may become an unhandled rejection meanwhile.
    for (const check of Object.values(typeChecks)) check.catch(() => {});
  });

  it("ships under 600 files: the protocol as a few declaration files, no JavaScript stubs", () => {
    const paths = packed.map((file) => file.path);
    assert.ok(paths.length < 600, `${paths.length} files`);
    assert.deepEqual(paths.filter((path) => path.startsWith("dist/protocol/generated/")).sort(), [
      "dist/protocol/generated/index.d.ts",
      "dist/protocol/generated/serde_json/JsonValue.d.ts",
      "dist/protocol/generated/v2/index.d.ts",
    ]);
    assert.equal(paths.filter((path) => path.startsWith("lib/protocol/generated/")).length, 0);
    for (const expected of ["LICENSE", "dist/index.js", "dist/index.d.ts", "dist/index.d.ts.map", "dist/testing/index.js", "dist/THIRD-PARTY-NOTICES.md"]) {
      assert.ok(paths.includes(expected), `the package has ${expected}`);
    }
    // Declaration maps point into lib/, which ships (go to definition lands in the source).
    assert.ok(paths.includes("lib/client/async-codex.ts"));
    assert.ok(paths.includes("dist/client/async-codex.d.ts.map"));
  });

  it("has a package.json with a license file, keywords, and main/types for older resolvers", async () => {
    const manifest = JSON.parse(await readFile(join(project, "node_modules", "codex-app-sdk", "package.json"), "utf8")) as Record<string, unknown>;
    assert.equal(manifest.license, "Apache-2.0");
    assert.ok(Array.isArray(manifest.keywords) && manifest.keywords.includes("codex"));
    assert.equal(manifest.main, "./dist/index.js");
    assert.equal(manifest.types, "./dist/index.d.ts");
    assert.match(await readFile(join(project, "node_modules", "codex-app-sdk", "LICENSE"), "utf8"), /Apache License\s+Version 2\.0, January 2004/);
  });

  it("imports both entry points from plain ESM JavaScript", async () => {
    await writeFile(
      join(project, "main.mjs"),
      [
        'import { AsyncCodex, InvalidArgumentError, ApprovalMode } from "codex-app-sdk";',
        'import { FakeModel, offlineConfigToml } from "codex-app-sdk/testing";',
        "const codex = new AsyncCodex();",
        "let rejected = false;",
        "try { new AsyncCodex({ requestTimeoutMs: -1 }); } catch (error) { rejected = error instanceof InvalidArgumentError; }",
        "const model = await FakeModel.start();",
        "try {",
        "  console.log(JSON.stringify({ pid: codex.pid ?? null, rejected, approvalMode: typeof ApprovalMode.askUser, toml: offlineConfigToml(model.baseUrl).includes(model.baseUrl) }));",
        "} finally {",
        "  await model.close();",
        "}",
      ].join("\n"),
    );
    const { stdout, stderr } = await run(process.execPath, ["main.mjs"], { cwd: project });
    assert.equal(stderr, "");
    assert.deepEqual(JSON.parse(stdout), { pid: null, rejected: true, approvalMode: "string", toml: true });
  });

  for (const resolution of RESOLUTIONS) {
    it(`type-checks from TypeScript with ${resolution} resolution, without @types/node`, async () => {
      const { errors, files } = await typeChecks[resolution];
      assert.deepEqual(errors, [], "tsc reports no error");
      assert.ok(files.some((file) => file.endsWith("codex-app-sdk/dist/index.d.ts")), "checked the published declarations");
      assert.deepEqual(files.filter((file) => file.includes("@types/node")), []);
    });
  }
});

/** Uses the public types in ways that fail to compile if they degrade to `any` or go missing. */
const CONSUMER_TS = `
import { AsyncCodex, type AsyncCodexOptions, type protocol, type TurnResult, TransportClosedError } from "codex-app-sdk";
import { FakeModel, type FakeReply } from "codex-app-sdk/testing";

export async function main(signal: AbortSignal): Promise<string | null> {
  const options: AsyncCodexOptions = { requestTimeoutMs: 1000, env: { FOO: "bar" }, inheritEnv: false };
  await using codex = new AsyncCodex(options);
  const models: protocol.ModelListResponse = await codex.models({ signal });
  const thread = await codex.threadStart({ model: models.data[0]?.model });
  const result: TurnResult = await thread.run("hi", { signal });
  // @ts-expect-error: an unknown option is a type error
  new AsyncCodex({ requestTimeoutMS: 1 });
  const reply: FakeReply = { type: "text", text: "hello" };
  const model = await FakeModel.start({ replies: [reply] });
  await model.close();
  const closed = new TransportClosedError({ exitCode: 1, signal: "SIGTERM", stderrTail: "", reason: "test" });
  return closed.signal === null ? result.finalResponse : result.finalResponse ?? closed.message;
}
`;

/** What `tsc --listFiles` said about the consumer project. */
interface TypeCheck {
  errors: string[];
  files: string[];
}

/** Type-checks {@link CONSUMER_TS} in its own folder of the project with `resolution`. */
async function typeCheck(project: string, resolution: Resolution): Promise<TypeCheck> {
  const dir = join(project, `ts-${resolution}`);
  await mkdir(dir);
  await writeFile(join(dir, "main.ts"), CONSUMER_TS);
  const compilerOptions = {
    module: { nodenext: "nodenext", bundler: "esnext", node10: "commonjs" }[resolution],
    moduleResolution: resolution,
    target: "es2022",
    // No @types/node: AbortSignal comes from the DOM library, AsyncDisposable from ESNext.
    lib: ["es2023", "esnext.disposable", "dom"],
    types: [],
    strict: true,
    // Our declarations are checked in full once (nodenext): with skipLibCheck off, a d.ts naming
    // NodeJS or node:* fails. The other resolutions check that the entry points resolve and type
    // the consumer; a second full pass would mostly re-check valibot's types (4 s).
    skipLibCheck: resolution !== "nodenext",
    skipDefaultLibCheck: true,
    noEmit: true,
  };
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["main.ts"] }));
  const output = await run(process.execPath, [TSC, "-p", dir, "--listFiles"], { cwd: dir }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  const lines = output.split("\n");
  return { errors: lines.filter((line) => line.includes("error TS")), files: lines.filter((line) => line.endsWith(".ts")) };
}

/** Unpacks the tarball as \`npm install\` would and links its dependencies to this repository's copies. */
async function installTarball(tarball: string, dir: string): Promise<void> {
  const target = join(dir, "node_modules", "codex-app-sdk");
  await mkdir(target, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  const manifest = JSON.parse(await readFile(join(target, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const link = join(dir, "node_modules", name);
    await mkdir(join(link, ".."), { recursive: true });
    await symlink(await realpath(join(ROOT, "node_modules", name)), link, "dir");
  }
}
