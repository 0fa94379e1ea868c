/**
 * `npm run build` (and `prepack`): the published `dist/`.
 *
 * - JavaScript: one bundled, tree-shaken ESM file per entry point (`index.js`, `testing/index.js`,
 *   plus the chunks they share), with the pure-JavaScript dependencies inlined: importing the SDK
 *   loads a handful of files instead of ~60 modules and whole libraries, and does no work beyond
 *   defining its classes. Packages only some users need (`ws`, `jose`) and the runtime package stay
 *   external, loaded from `node_modules` when used.
 * - Types: `tsc` declarations with declaration maps (into `lib/`, which ships too), and the
 *   generated protocol as a few bundled declaration files (scripts/protocol-declarations.ts).
 * - `THIRD-PARTY-NOTICES.md`: the license of every package inlined into the bundle.
 *
 * Usage: `npm run build -- [--out DIR]` (default `dist`).
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build, type Metafile, type Plugin } from "esbuild";
import { writeProtocolDeclarations } from "./protocol-declarations.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

/** Loaded from `node_modules` at run time, never inlined: optional features and the native runtime. */
const EXTERNAL = ["ws", "jose", "@openai/codex", "@openai/codex-*"];

/** Builds the package into `outDir` (replacing it). */
export async function buildPackage(outDir: string): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", outDir], { stdio: "inherit" });
  const generatedOut = join(outDir, "protocol", "generated");
  await rm(generatedOut, { recursive: true, force: true });
  await writeProtocolDeclarations(join(ROOT, "lib", "protocol", "generated"), generatedOut);

  const metafile = await bundleJavaScript(outDir);
  await writeNotices(metafile, join(outDir, "THIRD-PARTY-NOTICES.md"));
}

/**
 * Writes the bundled JavaScript of both entry points (and their shared chunks) into `outDir`, the
 * way the package ships it; the benchmarks measure this without the slower declaration build.
 */
export async function bundleJavaScript(outDir: string): Promise<Metafile> {
  const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { index: "lib/index.ts", "testing/index": "lib/testing/index.ts" },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: EXTERNAL,
    // Keeps the paths in the source maps `node_modules/…` even where node_modules is a symlink.
    preserveSymlinks: true,
    sourcemap: true,
    sourcesContent: true,
    metafile: true,
    legalComments: "eof",
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: "warning",
    plugins: [inlineVersion(version)],
  });
  return result.metafile;
}

/** Replaces lib/version.ts (which reads package.json at run time) with the version as a literal. */
function inlineVersion(version: string): Plugin {
  return {
    name: "inline-version",
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /[\\/]lib[\\/]version\.ts$/ }, () => ({
        contents: `export const VERSION = ${JSON.stringify(version)};`,
        loader: "ts",
      }));
    },
  };
}

/** Lists every package whose code the bundle inlines, with its license text. */
async function writeNotices(metafile: Metafile, target: string): Promise<void> {
  const packages = new Map<string, string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match?.[1]) packages.set(match[1], resolve(ROOT, input.slice(0, match.index + match[0].length)));
  }
  const sections: string[] = [];
  for (const [name, folder] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    const manifest = JSON.parse(await readFile(join(folder, "package.json"), "utf8")) as { version: string; license?: string };
    sections.push(`## ${name} ${manifest.version} (${manifest.license ?? "see below"})\n\n${(await licenseText(folder)).trim()}\n`);
  }
  const intro = "# Third-party notices\n\nThe bundled JavaScript in this package includes code from these packages.\n";
  await writeFile(target, [intro, ...sections].join("\n"));
}

async function licenseText(folder: string): Promise<string> {
  for (const name of ["LICENSE", "LICENSE.md", "license", "LICENSE.txt", "license.md"]) {
    try {
      return await readFile(join(folder, name), "utf8");
    } catch {
      // Try the next spelling.
    }
  }
  throw new Error(`No license file in ${folder}: the bundle may not inline it without one`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: "string", default: "dist" } } });
  const outDir = resolve(values.out);
  await buildPackage(outDir);
  process.stdout.write(`Built ${relative(process.cwd(), outDir) || "."} from ${relative(process.cwd(), dirname(fileURLToPath(import.meta.url))) || "."}/..\n`);
}
