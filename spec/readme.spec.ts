// Every code block of README.md runs or type-checks as written, so the README cannot drift from
// the code: TypeScript blocks are type-checked (strict, exactOptionalPropertyTypes) and, when
// self-contained, run on the fake model; JavaScript blocks are syntax-checked by plain Node and run;
// shell blocks name only npm scripts and samples that exist.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import ts from "typescript";
import { createOfflineEnvironment } from "../lib/testing/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** One fenced code block of the README. */
interface Block {
  language: string;
  code: string;
  /** The README line of its first code line. */
  line: number;
}

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const fence = /^```(\S*)\s*$/.exec(lines[index] as string);
    if (!fence) continue;
    const end = lines.indexOf("```", index + 1);
    assert.ok(end > index, `README.md:${index + 1}: unclosed code block`);
    blocks.push({ language: fence[1] ?? "", code: lines.slice(index + 1, end).join("\n"), line: index + 2 });
    index = end;
  }
  return blocks;
}

const BLOCKS = codeBlocks(README);

/**
 * What a snippet may use without declaring it: the objects the surrounding prose talks about. Any
 * other undeclared name must be an export of the SDK (then it is imported for the snippet) or the
 * check fails.
 */
const AMBIENT: Record<string, string> = {
  codex: "declare const codex: import('codex-app-sdk').AsyncCodex;",
  thread: "declare const thread: import('codex-app-sdk').Thread;",
  turn: "declare const turn: import('codex-app-sdk').TurnHandle;",
  result: "declare const result: import('codex-app-sdk').TurnResult;",
  fork: "declare const fork: import('codex-app-sdk').Thread;",
  signal: "declare const signal: AbortSignal;",
  askHuman: "declare function askHuman(question: string, signal: AbortSignal): Promise<boolean>;",
};

const COMPILER_OPTIONS: ts.CompilerOptions = (() => {
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  // Checked as strictly as the strictest user: optional options must accept `undefined`.
  return { ...options, exactOptionalPropertyTypes: true, noEmit: true, noUnusedLocals: false };
})();

/** Type-checks `files` (path → source) together; returns the diagnostics of those files. */
function typeCheck(files: Map<string, string>): readonly ts.Diagnostic[] {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => {
    const source = files.get(name);
    return source === undefined ? getSourceFile.call(host, name, language, ...rest) : ts.createSourceFile(name, source, language);
  };
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  const program = ts.createProgram([...files.keys()], COMPILER_OPTIONS, host);
  return [...files.keys()].flatMap((name) => {
    const source = program.getSourceFile(name);
    return source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
  });
}

/** The names a module exports, each as it is imported: `Name`, or `type Name` for a type only. */
function exportsOf(path: string): Map<string, string> {
  const program = ts.createProgram([path], COMPILER_OPTIONS);
  const checker = program.getTypeChecker();
  const symbol = checker.getSymbolAtLocation(program.getSourceFile(path) as ts.SourceFile);
  return new Map(
    (symbol ? checker.getExportsOfModule(symbol) : []).map((exported) => {
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return [exported.name, target.flags & ts.SymbolFlags.Value ? exported.name : `type ${exported.name}`];
    }),
  );
}

const snippetPath = (block: Block): string => join(ROOT, `README.md.line-${block.line}.ts`);
const tsBlocks = BLOCKS.filter((block) => block.language === "ts");

/** Each TypeScript block, with the imports and declarations of the names it uses without declaring them. */
const prepared: Array<{ block: Block; prelude: string; self: boolean }> = (() => {
  const sdk = exportsOf(join(ROOT, "lib/index.ts"));
  const testing = exportsOf(join(ROOT, "lib/testing/index.ts"));
  const bare = new Map(tsBlocks.map((block) => [snippetPath(block), `${block.code}\nexport {};\n`]));
  const missing = new Map<string, Set<string>>();
  for (const diagnostic of typeCheck(bare)) {
    if (diagnostic.code !== 2304 && diagnostic.code !== 2552) continue; // "Cannot find name"
    const name = /'([^']+)'/.exec(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"))?.[1];
    const names = missing.get(diagnostic.file?.fileName ?? "") ?? new Set();
    if (name) names.add(name);
    missing.set(diagnostic.file?.fileName ?? "", names);
  }
  return tsBlocks.map((block) => {
    const names = [...(missing.get(snippetPath(block)) ?? [])];
    const fromSdk = names.filter((name) => sdk.has(name));
    const fromTesting = names.filter((name) => !sdk.has(name) && testing.has(name));
    const unknown = names.filter((name) => !sdk.has(name) && !testing.has(name) && !AMBIENT[name]);
    assert.deepEqual(unknown, [], `README.md:${block.line}: the snippet uses names it neither declares nor imports`);
    const prelude = [
      fromSdk.length > 0 ? `import { ${fromSdk.map((name) => sdk.get(name)).join(", ")} } from "codex-app-sdk";` : "",
      fromTesting.length > 0 ? `import { ${fromTesting.map((name) => testing.get(name)).join(", ")} } from "codex-app-sdk/testing";` : "",
      ...names.filter((name) => AMBIENT[name]).map((name) => AMBIENT[name]),
    ].join(" ");
    return { block, prelude, self: names.every((name) => !AMBIENT[name]) };
  });
})();

test("the README has TypeScript, plain JavaScript and shell blocks, and no block of another or no language", () => {
  assert.ok(tsBlocks.length >= 8, "TypeScript blocks");
  assert.ok(BLOCKS.some((block) => block.language === "js"), "a plain-JavaScript form");
  for (const block of BLOCKS) assert.ok(["ts", "js", "sh"].includes(block.language), `README.md:${block.line}: block marked "${block.language}"`);
  // `await using` is a SyntaxError in plain JavaScript on Node 20 and 22: only TypeScript may use it.
  for (const block of BLOCKS.filter((each) => each.language === "js")) assert.doesNotMatch(block.code, /await using/, `README.md:${block.line}`);
});

test("every TypeScript block of the README type-checks as written, under exactOptionalPropertyTypes", () => {
  const files = new Map(prepared.map(({ block, prelude }) => [snippetPath(block), `${prelude}\n${block.code}\nexport {};\n`]));
  const problems = typeCheck(files).map((diagnostic) => {
    const block = tsBlocks.find((each) => snippetPath(each) === diagnostic.file?.fileName);
    const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line - 1 : 0;
    return `README.md:${(block?.line ?? 0) + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
  });
  assert.deepEqual(problems, []);
});

test("every plain-JavaScript block of the README parses on plain Node, and every self-contained block runs on the fake model", async (t) => {
  const env = await createOfflineEnvironment();
  const dir = await mkdtemp(join(tmpdir(), "codex-app-sdk-readme-"));
  t.after(async () => {
    await env.close();
    await rm(dir, { recursive: true, force: true });
  });
  const runnable = [
    ...prepared.filter(({ self }) => self).map(({ block, prelude }) => ({ block, file: join(dir, `line-${block.line}.mts`), source: `${prelude}\n${block.code}\n` })),
    ...BLOCKS.filter((block) => block.language === "js").map((block) => ({ block, file: join(dir, `line-${block.line}.mjs`), source: `${block.code}\n` })),
  ];
  assert.ok(runnable.length >= 3, "the Quickstart blocks and the offline-testing block run");
  for (const { block, file, source } of runnable) {
    await writeFile(file, source);
    if (file.endsWith(".mjs")) await promisify(execFile)(process.execPath, ["--check", file]);
    // tsx only to resolve "codex-app-sdk" to lib/ (through the repository's tsconfig); run in the
    // temporary directory, so a block that writes a file leaves nothing behind. CODEX_HOME points
    // the default runtime at the fake model.
    const { stderr } = await promisify(execFile)(process.execPath, ["--import", import.meta.resolve("tsx"), file], {
      cwd: dir,
      timeout: 60_000,
      env: { ...process.env, CODEX_HOME: env.codexHome, TSX_TSCONFIG_PATH: join(ROOT, "tsconfig.json") },
    }).catch((error: { stderr?: string }) => assert.fail(`README.md:${block.line} failed to run:\n${error.stderr ?? String(error)}`));
    assert.equal(stderr, "", `README.md:${block.line} wrote to stderr`);
  }
  t.diagnostic(`ran the blocks at README.md lines ${runnable.map(({ block }) => block.line).join(", ")}`);
});

test("every shell block of the README names npm scripts and samples that exist", () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
  for (const block of BLOCKS.filter((each) => each.language === "sh")) {
    for (const [, script] of block.code.matchAll(/npm run (\S+)/g)) assert.ok(script && Object.hasOwn(scripts, script), `README.md:${block.line}: npm run ${script}`);
    for (const [, path] of block.code.matchAll(/npx tsx (\S+\.ts)/g)) assert.ok(path && existsSync(join(ROOT, path)), `README.md:${block.line}: ${path}`);
  }
});
