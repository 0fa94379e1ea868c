/**
 * A throw-away home for the Codex runtime that talks only to a {@link FakeModel}: a temporary
 * `CODEX_HOME` with an offline `config.toml`, and a temporary working directory.
 *
 * @module
 */

import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkOptions } from "../arguments.js";
import { FakeModel } from "./fake-model.js";
import type { FakeModelOptions } from "./fake-model.js";

/** Options for {@link createOfflineEnvironment}. */
export interface OfflineEnvironmentOptions {
  /**
   * The model to point the runtime at: a running {@link FakeModel}, which the environment leaves
   * open, or options for one it starts and closes itself. Default `{}` (a fresh model with echo replies).
   */
  model?: FakeModel | FakeModelOptions | undefined;
  /**
   * Whether the provider requires OpenAI auth, so that the runtime sends `Authorization: Bearer`
   * after `account/login/start { type: "apiKey" }`. Default `false`.
   */
  requiresOpenaiAuth?: boolean | undefined;
  /**
   * Turns the runtime's goals feature on or off (`[features] goals`), which `thread.startGoal()`
   * needs. Default: the runtime's own default (on in 0.169.0).
   */
  goals?: boolean | undefined;
}

/** What {@link createOfflineEnvironment} set up; close it (or `await using` it) to clean up. */
export interface OfflineEnvironment extends AsyncDisposable {
  /** The fake model the runtime is configured to call. */
  readonly model: FakeModel;
  /** A temporary directory holding the offline `config.toml`; use it as `CODEX_HOME`. */
  readonly codexHome: string;
  /** A temporary, empty directory to use as the threads' working directory. */
  readonly workdir: string;
  /** `codexHome` and `workdir` (as `cwd`), ready to spread into the client's options. */
  readonly options: {
    /** The temporary `CODEX_HOME`. */
    codexHome: string;
    /** The temporary working directory. */
    cwd: string;
  };
  /** Closes the model if the environment started it and deletes the temporary directories. Safe to call more than once. */
  close(): Promise<void>;
  /** Same as {@link OfflineEnvironment.close}, for `await using env = await createOfflineEnvironment()`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Creates an {@link OfflineEnvironment}: starts a {@link FakeModel} (unless one is given), and
 * writes {@link offlineConfigToml} for it into a fresh temporary `CODEX_HOME`.
 *
 * @param options See {@link OfflineEnvironmentOptions}.
 * @example
 * ```ts
 * await using env = await createOfflineEnvironment({ model: { replies: [{ type: "text", text: "hi" }] } });
 * const codex = new AsyncCodex({ ...env.options });
 * // … run a turn; env.model.responseRequests holds what the runtime sent …
 * ```
 */
export async function createOfflineEnvironment(options: OfflineEnvironmentOptions = {}): Promise<OfflineEnvironment> {
  const { model: modelOrOptions, requiresOpenaiAuth, goals } = checkOptions(options, ["model", "requiresOpenaiAuth", "goals"]);
  // Resolved, because the runtime reports canonical paths (on macOS the temp dir is behind a symlink).
  const root = await realpath(await mkdtemp(join(tmpdir(), "codex-app-sdk-")));
  const codexHome = join(root, "home");
  const workdir = join(root, "work");
  const ownsModel = !(modelOrOptions instanceof FakeModel);
  const model = modelOrOptions instanceof FakeModel ? modelOrOptions : await FakeModel.start(modelOrOptions);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (ownsModel) await model.close();
      await rm(root, { recursive: true, force: true });
    })();
    return closing;
  };
  try {
    await Promise.all([mkdir(codexHome), mkdir(workdir)]);
    await writeFile(join(codexHome, "config.toml"), offlineConfigToml(model.baseUrl, { requiresOpenaiAuth, goals }));
  } catch (error) {
    // A model left listening would keep the test process alive.
    await close();
    throw error;
  }
  return { model, codexHome, workdir, options: { codexHome, cwd: workdir }, close, [Symbol.asyncDispose]: close };
}

/**
 * The `config.toml` that keeps the runtime offline: it calls only the `mock` provider at
 * `baseUrl`, with retries off so failures surface at once, and with plugins, apps and analytics
 * disabled, which would otherwise contact remote services at startup.
 *
 * @param baseUrl The provider's API root, e.g. {@link FakeModel.baseUrl}.
 * @param options Optional settings.
 * @param options.requiresOpenaiAuth Adds `requires_openai_auth = true` to the provider. Default `false`.
 * @param options.goals Sets `[features] goals`. Default: not set (the runtime's default).
 */
export function offlineConfigToml(baseUrl: string, options: { requiresOpenaiAuth?: boolean | undefined; goals?: boolean | undefined } = {}): string {
  return `model = "mock-model"
model_provider = "mock"
approval_policy = "never"
sandbox_mode = "read-only"
web_search = "disabled"
check_for_update_on_startup = false

# Without these three, startup contacts github.com / chatgpt.com (plugin sync). shell_snapshot off:
# otherwise every thread start runs the login shell to capture its environment, which is slow on
# hosts whose profile does work (pyenv init) and leaves shells running after the runtime.
[features]
${options.goals === undefined ? "" : `goals = ${options.goals}\n`}plugins = false
shell_snapshot = false
apps = false
remote_plugin = false

[analytics]
enabled = false

[model_providers.mock]
name = "Mock Responses (loopback)"
base_url = ${JSON.stringify(baseUrl)}
wire_api = "responses"
supports_websockets = false
request_max_retries = 0
stream_max_retries = 0
${options.requiresOpenaiAuth ? "requires_openai_auth = true\n" : ""}`;
}
