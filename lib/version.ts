import { createRequire } from "node:module";

/** The SDK's own version (this package's `version`), e.g. `"0.1.0"`; sent in `initialize.clientInfo` by default. */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
