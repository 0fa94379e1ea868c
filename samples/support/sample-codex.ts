/**
 * Shared by the samples: an AsyncCodex on the bundled fake model (offline, no key) by default, or
 * on your real Codex login / API key when the sample runs with `--live`.
 */
import { AsyncCodex, type AsyncCodexOptions } from "codex-app-sdk";
import { createOfflineEnvironment, type FakeModelOptions } from "codex-app-sdk/testing";

/** True when the sample was started with `--live`. */
export const live = process.argv.includes("--live");

/** An AsyncCodex for a sample, and everything it needs closed at the end (`await using`). */
export interface SampleCodex extends AsyncDisposable {
  codex: AsyncCodex;
  /** The options `codex` was made with, to make another one like it. */
  options: AsyncCodexOptions;
  /** The working directory to start threads in. */
  cwd: string;
}

/**
 * @param model what the fake model answers when offline (default: it echoes the prompt).
 * @param offline extra settings of the offline environment, e.g. a provider that requires login.
 */
export async function openSampleCodex(model: FakeModelOptions = {}, offline: { requiresOpenaiAuth?: boolean; goals?: boolean } = {}): Promise<SampleCodex> {
  if (live) {
    const codex = new AsyncCodex();
    return { codex, options: {}, cwd: process.cwd(), [Symbol.asyncDispose]: () => codex.close() };
  }
  const env = await createOfflineEnvironment({ ...offline, model });
  const codex = new AsyncCodex(env.options);
  return {
    codex,
    options: env.options,
    cwd: env.workdir,
    async [Symbol.asyncDispose]() {
      await codex.close();
      await env.close();
    },
  };
}
