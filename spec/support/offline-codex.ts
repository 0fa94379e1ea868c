import type { TestContext } from "node:test";
import { AsyncCodex, type AsyncCodexOptions } from "../../lib/index.js";
import { createOfflineEnvironment, type OfflineEnvironment, type OfflineEnvironmentOptions } from "../../lib/testing/index.js";

/** An AsyncCodex on the real runtime against a fresh fake model; both are closed after the test. */
export async function offlineCodex(
  t: TestContext,
  options: { environment?: OfflineEnvironmentOptions; codex?: AsyncCodexOptions } = {},
): Promise<{ env: OfflineEnvironment; codex: AsyncCodex; errors: Error[] }> {
  const env = await createOfflineEnvironment(options.environment);
  const errors: Error[] = [];
  const codex = new AsyncCodex({ ...env.options, onError: (error) => errors.push(error), ...options.codex });
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
