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
 * @param liveOptions.checkLogin with `--live`, exit at once when there is no login (default `true`;
 *   the login sample turns it off, since signing in is what it shows).
 */
export async function openSampleCodex(
  model: FakeModelOptions = {},
  offline: { requiresOpenaiAuth?: boolean; goals?: boolean } = {},
  liveOptions: { checkLogin?: boolean } = {},
): Promise<SampleCodex> {
  if (live) {
    const codex = new AsyncCodex();
    if (liveOptions.checkLogin ?? true) await exitUnlessSignedIn(codex);
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

/**
 * A live run without a login would stream "Reconnecting…" forever, so the account is checked
 * first (`account/read`, which needs no network): without one, the sample says how to sign in and
 * exits with code 2, within seconds.
 */
async function exitUnlessSignedIn(codex: AsyncCodex): Promise<void> {
  let problem: string | undefined;
  try {
    const { account, requiresOpenaiAuth } = await codex.account({ signal: AbortSignal.timeout(15_000) });
    if (account === null && requiresOpenaiAuth) {
      problem = `no Codex login in CODEX_HOME (${codex.metadata.codexHome}).\nSign in with \`npx codex login\` (ChatGPT) or \`printenv OPENAI_API_KEY | npx codex login --with-api-key\`, then run this again.`;
    }
  } catch (error) {
    problem = `could not read the account from the runtime: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (problem === undefined) return;
  await codex.close();
  process.stderr.write(`--live: ${problem}\n`);
  process.exit(2);
}
