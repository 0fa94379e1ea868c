import assert from "node:assert/strict";
import { getEventListeners } from "node:events";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { AsyncCodex } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";

const LOGIN_RUNTIME = fileURLToPath(new URL("../fixtures/login-runtime.mjs", import.meta.url));

test("loginChatgpt returns an authUrl, and wait() after cancel() resolves with success false", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { requiresOpenaiAuth: true } });
  const login = await codex.loginChatgpt();
  assert.ok(login.loginId.length > 0);
  assert.match(login.authUrl, /^https:\/\/auth\.openai\.com\/oauth\/authorize\?/);
  assert.equal((await login.cancel()).status, "canceled");
  const signal = AbortSignal.timeout(10_000);
  const completed = await login.wait({ signal });
  assert.equal(completed.loginId, login.loginId);
  assert.equal(completed.success, false);
  assert.equal(getEventListeners(signal, "abort").length, 0);
  assert.equal((await codex.account()).account, null);
});

test("wait() resolves with a login completion that arrived before it was called", async (t) => {
  const codex = new AsyncCodex({ codexBin: LOGIN_RUNTIME });
  t.after(() => codex.close());
  const login = await codex.loginChatgptDeviceCode();
  assert.equal(login.userCode, "ABCD-1234");
  assert.equal(login.verificationUrl, "https://example.invalid/device");
  const completed = await login.wait({ signal: AbortSignal.timeout(5_000) });
  assert.deepEqual(completed, { loginId: "login-1", success: true, error: null, onboardingEntrypoint: null });
});

test("wait() on a login rejects with the signal's reason when aborted", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { requiresOpenaiAuth: true } });
  const login = await codex.loginChatgpt();
  const controller = new AbortController();
  const waiting = login.wait({ signal: controller.signal });
  const reason = new Error("gave up");
  controller.abort(reason);
  await assert.rejects(waiting, (error: unknown) => error === reason);
  await login.cancel();
});
