import { createRequire } from "node:module";

/**
 * The SDK's own version (this package's `version`), e.g. `"0.1.0"`; sent in `initialize.clientInfo`
 * by default. Read from package.json when running from source; the published build
 * (scripts/build.ts) replaces this module with the literal, so importing the package reads no file.
 */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
