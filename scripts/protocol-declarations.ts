/**
 * Writes the generated protocol (lib/protocol/generated, type-only) as a few declaration files
 * instead of one per type: each folder with an `index.ts` (the root and `v2/`) becomes one
 * `index.d.ts` holding every declaration of that folder; folders without one (`serde_json/`)
 * keep their files. The published package then carries ~950 fewer files, and no JavaScript at all
 * for the protocol (it has no runtime code).
 *
 * Imports inside a folder disappear (the names live in the same file now); imports from another
 * folder point at that folder's file. A name imported from another folder that the folder also
 * declares itself (root `WebSearchItem` uses v2's `WebSearchAction`; root has its own) is imported
 * under an alias and renamed where that one file uses it.
 *
 * @module
 */

import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative } from "node:path";
import ts from "typescript";

/** One `import type { name } from "specifier"` of a generated file. */
interface TypeImport {
  name: string;
  /** The imported file, relative to the generated root, without extension (e.g. `v2/ThreadItem`). */
  target: string;
}

/** A generated file split into its imports and the rest of its statements. */
interface SourceFile {
  /** Relative to the generated root, without extension, e.g. `v2/ThreadItem`. */
  path: string;
  imports: TypeImport[];
  /** Names this file declares (the generated files declare one each). */
  declared: string[];
  ast: ts.SourceFile;
  /** The statements after the imports, as written (with their comments). */
  body: ts.Statement[];
}

/** Writes the declarations of the generated protocol in `sourceRoot` into `outRoot`; returns the files written. */
export async function writeProtocolDeclarations(sourceRoot: string, outRoot: string): Promise<string[]> {
  const files = await Promise.all((await listTsFiles(sourceRoot)).map(async (path) => parse(path, await readFile(join(sourceRoot, `${path}.ts`), "utf8"))));
  const bundled = new Set(files.filter((file) => posix.basename(file.path) === "index").map((file) => posix.dirname(file.path)));
  /** Where a file's declarations end up: its folder's index when the folder is bundled, else itself. */
  const home = (path: string): string => (bundled.has(posix.dirname(path)) ? posix.join(posix.dirname(path), "index") : path);
  const outputs = new Map<string, SourceFile[]>();
  for (const file of files) outputs.set(home(file.path), [...(outputs.get(home(file.path)) ?? []), file]);

  const written: string[] = [];
  for (const [output, members] of outputs) {
    const declaredHere = new Set(members.flatMap((member) => member.declared));
    const imports = new Map<string, Set<string>>();
    const bodies: string[] = [];
    for (const member of members) {
      const renames = new Map<string, string>();
      for (const { name, target } of member.imports) {
        const from = home(target);
        if (from === output) continue;
        const local = declaredHere.has(name) ? `${name}_from_${posix.dirname(from).replaceAll("/", "_").replace(/^\.$/, "root")}` : name;
        if (local !== name) renames.set(name, local);
        const specifier = relativeSpecifier(output, from);
        imports.set(specifier, (imports.get(specifier) ?? new Set()).add(local === name ? name : `${name} as ${local}`));
      }
      if (posix.basename(member.path) === "index") {
        // Re-exports of the folder's own files are implied now; keep the others (`export * as v2`).
        bodies.push(...member.body.filter((statement) => !isLocalReExport(statement, member, home, output)).map((statement) => statement.getFullText(member.ast)));
      } else {
        bodies.push(...member.body.map((statement) => renameTypeReferences(statement, member.ast, renames)));
      }
    }
    const importLines = [...imports].sort(([a], [b]) => a.localeCompare(b)).map(([specifier, names]) => `import type { ${[...names].sort().join(", ")} } from "${specifier}";`);
    const header = "// DO NOT EDIT: the generated protocol (lib/protocol/generated), bundled by scripts/protocol-declarations.ts.";
    const target = join(outRoot, `${output}.d.ts`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${[header, ...importLines, "", ...bodies, "export {};"].join("\n")}\n`);
    written.push(target);
  }
  return written;
}

function parse(path: string, text: string): SourceFile {
  const ast = ts.createSourceFile(`${path}.ts`, text, ts.ScriptTarget.Latest, true);
  const imports: TypeImport[] = [];
  const body: ts.Statement[] = [];
  const declared: string[] = [];
  for (const statement of ast.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const bindings = statement.importClause?.namedBindings;
      if (!bindings || !ts.isNamedImports(bindings)) throw new Error(`${path}: unexpected import ${statement.getText(ast)}`);
      const target = posix.join(posix.dirname(path), statement.moduleSpecifier.text.replace(/\.js$/, ""));
      for (const element of bindings.elements) imports.push({ name: element.name.text, target });
      continue;
    }
    if (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) declared.push(statement.name.text);
    body.push(statement);
  }
  return { path, imports, declared, ast, body };
}

/** `export type { X } from "./X.js"` of an index, when X now lives in the same output file. */
function isLocalReExport(statement: ts.Statement, index: SourceFile, home: (path: string) => string, output: string): boolean {
  if (!ts.isExportDeclaration(statement) || !statement.moduleSpecifier || !ts.isStringLiteral(statement.moduleSpecifier)) return false;
  if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) return false;
  return home(posix.join(posix.dirname(index.path), statement.moduleSpecifier.text.replace(/\.js$/, ""))) === output;
}

/** The statement's text with every type reference to a renamed import using its alias. */
function renameTypeReferences(statement: ts.Statement, ast: ts.SourceFile, renames: ReadonlyMap<string, string>): string {
  // Full text: the declaration's doc comment comes with it.
  const text = statement.getFullText(ast);
  if (renames.size === 0) return text;
  const edits: Array<{ start: number; end: number; name: string }> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) && ts.isIdentifier(ts.isTypeReferenceNode(node) ? node.typeName : node.expression)) {
      const identifier = (ts.isTypeReferenceNode(node) ? node.typeName : node.expression) as ts.Identifier;
      const renamed = renames.get(identifier.text);
      if (renamed !== undefined) edits.push({ start: identifier.getStart(ast), end: identifier.getEnd(), name: renamed });
    }
    ts.forEachChild(node, visit);
  };
  visit(statement);
  const offset = statement.getFullStart();
  let result = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) result = result.slice(0, edit.start - offset) + edit.name + result.slice(edit.end - offset);
  return result;
}

/** `./index.js`, `../index.js`, `./v2/index.js`, …: the ESM specifier from one output file to another. */
function relativeSpecifier(from: string, to: string): string {
  const path = posix.relative(posix.dirname(from), to);
  return `${path.startsWith(".") ? path : `./${path}`}.js`;
}

async function listTsFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/").replace(/\.ts$/, ""))
    .sort();
}
