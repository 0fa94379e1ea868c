import type { TestContext } from "node:test";
import { AsyncCodex, type AsyncCodexOptions } from "../../lib/index.js";
import { runtimeServerSpawn } from "../../lib/client/runtime-server.js";
import { runtimeServerTransport } from "../../lib/transport/runtime-server-transport.js";
import { createOfflineEnvironment, type OfflineEnvironment, type OfflineEnvironmentOptions } from "../../lib/testing/index.js";

/** How the test client reaches its runtime. */
export type TestTransport = "stdio" | "ws" | "unix";

/** The transport the suite runs on: `CODEX_SDK_TEST_TRANSPORT` (`stdio`, `ws` or `unix`), default `stdio`. */
export const TEST_TRANSPORT: TestTransport = testTransport(process.env.CODEX_SDK_TEST_TRANSPORT);

function testTransport(value: string | undefined): TestTransport {
  if (value === undefined || value === "" || value === "stdio" || value === "ws" || value === "unix") return (value || "stdio") as TestTransport;
  throw new Error(`CODEX_SDK_TEST_TRANSPORT must be stdio, ws or unix, not ${value}`);
}

/**
 * The client options for `options` on {@link TEST_TRANSPORT}: as they are on stdio; over ws or
 * unix, the spawn options go to a runtime server spawned per connection (one runtime per start, as
 * on stdio), which the client reaches through the WebSocket transport.
 */
export function onTestTransport(options: AsyncCodexOptions, transport: TestTransport = TEST_TRANSPORT): AsyncCodexOptions {
  if (transport === "stdio" || options.remote !== undefined || options.transport !== undefined) return options;
  const { codexBin, config, env, codexHome, cwd, maxLineLength: _maxLineLength, ...client } = options;
  const spawn = runtimeServerSpawn({ codexBin, config, env, codexHome, cwd, listen: transport });
  return { ...client, transport: runtimeServerTransport(spawn) };
}

/** An AsyncCodex on the real runtime against a fresh fake model; both are closed after the test. */
export async function offlineCodex(
  t: TestContext,
  options: { environment?: OfflineEnvironmentOptions; codex?: AsyncCodexOptions } = {},
): Promise<{ env: OfflineEnvironment; codex: AsyncCodex; errors: Error[] }> {
  const env = await createOfflineEnvironment(options.environment);
  const errors: Error[] = [];
  const codex = new AsyncCodex(onTestTransport({ ...env.options, onError: (error) => errors.push(error), ...options.codex }));
  t.after(async () => {
    await codex.close();
    await env.close();
  });
  return { env, codex, errors };
}

/** True while a process with this pid exists. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Child pids of this process whose command line contains `app-server`. */
export async function runtimePids(): Promise<number[]> {
  const { readdir, readFile } = await import("node:fs/promises");
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8");
      if (parent === process.pid && cmdline.includes("app-server")) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}
