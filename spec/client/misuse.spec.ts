// No misuse passes silently: a misspelt option, a signal that is not an AbortSignal, a callback
// that is not a function or a thread config TOML cannot express each throws InvalidArgumentError
// naming the culprit, and the stand-in runtime (which records every request) receives nothing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncCodex, InvalidArgumentError, retryOnOverload } from "../../lib/index.js";
import { createOfflineEnvironment } from "../../lib/testing/index.js";
import { standInCodex } from "../fixtures/stand-in.js";
import { runtimePids } from "../support/offline-codex.js";

/** Asserts that `call` rejects (or throws) InvalidArgumentError naming `argument`, its message matching `problem`. */
async function rejectsNaming(call: () => unknown, argument: string, problem: RegExp): Promise<void> {
  await assert.rejects(
    async () => call(),
    (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, `${argument}: got ${String(error)}`);
      assert.equal(error.argument, argument);
      assert.match(error.message, problem);
      return true;
    },
  );
}

test("new AsyncCodex({ onApprove }) throws, naming the key and suggesting onApproval, before anything is spawned", () => {
  assert.throws(
    () => new AsyncCodex({ onApprove: () => "accept" } as never),
    (error: unknown) => error instanceof InvalidArgumentError && error.argument === "options.onApprove" && /did you mean onApproval\?/.test(error.message),
  );
  assert.throws(() => new AsyncCodex({ codexhome: "/tmp/x" } as never), /options\.codexhome: is not a known option; did you mean codexHome\?/);
  assert.throws(() => new AsyncCodex({ clientInfo: { name: "app", version: "1", titel: "App" } } as never), /options\.clientInfo\.titel: .*did you mean title\?/);
});

test("every options object of the API rejects an unknown key with a did-you-mean, and the runtime receives nothing", async (t) => {
  const login = { type: "chatgpt", loginId: "login-1", authUrl: "https://auth.example/x" };
  const { codex, received } = standInCodex(t, { script: { "account/login/start": [{ answer: login }] } });
  const thread = await codex.threadStart();
  const turn = await thread.turn("hi");
  const handle = await codex.loginChatgpt();
  const sent = received.methods.length;
  const cases: Array<[() => unknown, string, string]> = [
    [() => codex.start({ signall: undefined } as never), "options.signall", "signal"],
    [() => codex.notifications({ sigal: undefined } as never), "options.sigal", "signal"],
    [() => codex.models({ includehidden: true } as never), "options.includehidden", "includeHidden"],
    [() => codex.account({ refreshTokens: true } as never), "options.refreshTokens", "refreshToken"],
    [() => codex.loginApiKey("sk-test", { singal: undefined } as never), "options.singal", "signal"],
    [() => codex.loginChatgpt({ singal: undefined } as never), "options.singal", "signal"],
    [() => codex.loginChatgptDeviceCode({ singal: undefined } as never), "options.singal", "signal"],
    [() => codex.logout({ singal: undefined } as never), "options.singal", "signal"],
    [() => codex.threadStart({ modle: "gpt-5" } as never), "options.modle", "model"],
    [() => codex.threadStart({ approvalMod: "denyAll" } as never), "options.approvalMod", "approvalMode"],
    [() => codex.threadResume("thread-1", { sandBox: "read-only" } as never), "options.sandBox", "sandbox"],
    [() => codex.threadFork("thread-1", { effort: "high" } as never), "options.effort", ""],
    [() => codex.threadList({ archive: true } as never), "options.archive", "archived"],
    [() => codex.threadArchive("thread-1", { singal: undefined } as never), "options.singal", "signal"],
    [() => codex.threadUnarchive("thread-1", { singal: undefined } as never), "options.singal", "signal"],
    [() => thread.turn("hi", { onApprove: () => "accept" } as never), "options.onApprove", "onApproval"],
    [() => thread.run("hi", { outputschema: {} } as never), "options.outputschema", "outputSchema"],
    [() => thread.read({ includeTurn: true } as never), "options.includeTurn", "includeTurns"],
    [() => thread.setName("x", { singal: undefined } as never), "options.singal", "signal"],
    [() => thread.compact({ singal: undefined } as never), "options.singal", "signal"],
    [() => turn.steer("more", { singal: undefined } as never), "options.singal", "signal"],
    [() => turn.interrupt({ singal: undefined } as never), "options.singal", "signal"],
    [() => handle.wait({ singal: undefined } as never), "options.singal", "signal"],
    [() => handle.cancel({ singal: undefined } as never), "options.singal", "signal"],
    [() => retryOnOverload(() => 1, { retires: 3 } as never), "options.retires", "retries"],
    [() => createOfflineEnvironment({ requiresOpenAiAuth: true } as never), "options.requiresOpenAiAuth", "requiresOpenaiAuth"],
  ];
  for (const [call, argument, suggestion] of cases) {
    await rejectsNaming(call, argument, suggestion ? new RegExp(`is not a known option; did you mean ${suggestion}\\?`) : /is not a known option \(known: /);
  }
  assert.deepEqual(received.methods.slice(sent), [], "nothing was sent");
  await turn.interrupt();
});

test("a signal that is not an AbortSignal is named, for every call, and no runtime is spawned for it", async (t) => {
  const codex = new AsyncCodex({ codexBin: "/nonexistent/codex" });
  t.after(() => codex.close());
  const signal = "abort" as never;
  const calls: Array<() => unknown> = [
    () => codex.start({ signal }),
    () => codex.notifications({ signal }),
    () => codex.models({ signal }),
    () => codex.account({ signal }),
    () => codex.logout({ signal }),
    () => codex.threadStart({ signal }),
    () => codex.threadResume("thread-1", { signal }),
    () => codex.threadList({ signal }),
    () => codex.threadArchive("thread-1", { signal }),
    () => retryOnOverload(() => 1, { signal }),
  ];
  for (const call of calls) await rejectsNaming(call, "options.signal", /must be an AbortSignal .*got "abort"/);
  await rejectsNaming(() => codex.models({ signal: { aborted: false } as never }), "options.signal", /must be an AbortSignal/);
  assert.equal(codex.pid, undefined);
  assert.deepEqual(await runtimePids(), []);
});

test("a thread's or turn's signal that is not an AbortSignal is named before anything is sent", async (t) => {
  const { codex, received } = standInCodex(t);
  const thread = await codex.threadStart();
  const sent = received.methods.length;
  await rejectsNaming(() => thread.run("hi", { signal: "abort" as never }), "options.signal", /must be an AbortSignal/);
  await rejectsNaming(() => thread.read({ signal: 5 as never }), "options.signal", /got number 5/);
  await rejectsNaming(() => thread.setName("x", { signal: {} as never }), "options.signal", /got an object/);
  assert.deepEqual(received.methods.slice(sent), []);
});

test("callbacks that are not functions are named", async (t) => {
  assert.throws(() => new AsyncCodex({ onError: "log" as never }), /options\.onError: must be a function, got "log"/);
  assert.throws(() => new AsyncCodex({ onApproval: {} as never }), /options\.onApproval: must be a function, got an object/);
  assert.throws(() => new AsyncCodex({ onServerRequest: "x" as never }), /options\.onServerRequest: must be an object of handlers/);
  await rejectsNaming(() => retryOnOverload(() => 1, { onFailedAttempt: true as never }), "options.onFailedAttempt", /must be a function/);
  await rejectsNaming(() => retryOnOverload("models" as never), "fn", /must be a function/);
  const { codex } = standInCodex(t);
  const thread = await codex.threadStart();
  await rejectsNaming(() => thread.run("hi", { onApproval: "accept" as never }), "options.onApproval", /must be a function, got "accept"/);
});

test("a thread's config is checked like the client's: values TOML cannot express are named, and nothing is sent", async (t) => {
  const { codex, received } = standInCodex(t);
  await codex.start();
  const sent = received.methods.length;
  await rejectsNaming(() => codex.threadStart({ config: { sandbox_mode: null } as never }), "options.config.sandbox_mode", /no TOML representation: null/);
  await rejectsNaming(() => codex.threadStart({ config: { features: { apps: undefined } } as never }), "options.config.features.apps", /no TOML representation: undefined/);
  await rejectsNaming(() => codex.threadStart({ config: { model_context_window: Number.NaN } as never }), "options.config.model_context_window", /finite number/);
  await rejectsNaming(() => codex.threadResume("thread-1", { config: { notify: [() => {}] } as never }), "options.config.notify[0]", /no TOML representation/);
  await rejectsNaming(() => codex.threadFork("thread-1", { config: new Map() as never }), "options.config", /must be an object/);
  assert.deepEqual(received.methods.slice(sent), []);
  // Dotted keys are fine here: the runtime applies them as it applies `-c` keys.
  await codex.threadStart({ config: { "features.apps": false, projects: { "/work/app": { trust_level: "trusted" } } } });
  assert.deepEqual(received.methods.slice(sent), ["thread/start"]);
});
