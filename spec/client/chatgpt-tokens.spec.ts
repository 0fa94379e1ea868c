import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncCodex, InvalidArgumentError, type MessageLogEntry, type Notification } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";

const base64url = (value: object): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** A ChatGPT-style access token (a JWT with the claims the runtime reads); `tag` makes each one distinct. */
function accessToken(tag: string): string {
  const claims = { tag, email: "host@example.invalid", exp: Math.floor(Date.now() / 1000) + 3600, "https://api.openai.com/auth": { chatgpt_plan_type: "plus", chatgpt_account_id: "acct_host" } };
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.c2lnbmF0dXJlLW9mLXRoZS1ob3N0`;
}

test("loginChatgptAuthTokens hands the host's tokens over: the model receives the bearer token, and no log sees it", async (t) => {
  const token = accessToken("first");
  const log: MessageLogEntry[] = [];
  const { codex, env, errors } = await offlineCodex(t, { environment: { requiresOpenaiAuth: true }, codex: { logger: (entry) => log.push(entry) } });
  await codex.loginChatgptAuthTokens({ accessToken: token, chatgptAccountId: "acct_host", chatgptPlanType: "plus" });
  const thread = await codex.threadStart();
  assert.equal((await thread.run("hi")).status, "completed");
  const request = env.model.responseRequests.at(-1);
  assert.equal(request?.headers.authorization, `Bearer ${token}`);
  assert.equal(request?.headers["chatgpt-account-id"], "acct_host");
  const login = log.find((entry) => entry.method === "account/login/start" && entry.kind === "request");
  assert.equal((login?.message as { params: { accessToken: string } }).params.accessToken, "[REDACTED]");
  assert.ok(!JSON.stringify(log).includes(token.split(".")[1] ?? token), "no log entry holds the token");
  assert.ok(!errors.some((error) => String(error).includes(token)));
});

test("onChatgptAuthTokensRefresh answers the runtime's refresh request after a 401, and the answer shows redacted", async (t) => {
  const fresh = accessToken("fresh");
  const asked: unknown[] = [];
  const { codex } = await offlineCodex(t, {
    environment: { requiresOpenaiAuth: true, model: { replies: [{ type: "httpError", status: 401, message: "token expired" }] } },
    codex: {
      onChatgptAuthTokensRefresh: (request) => {
        asked.push(request);
        return { accessToken: fresh, chatgptAccountId: "acct_host" };
      },
    },
  });
  const answered: Notification[] = [];
  void (async () => {
    for await (const notification of codex.notifications()) if (notification.method === "sdk/serverRequest/answered") answered.push(notification);
  })();
  await codex.loginChatgptAuthTokens({ accessToken: accessToken("stale"), chatgptAccountId: "acct_host" });
  const thread = await codex.threadStart();
  // After the refresh the offline runtime fails the turn on its network policy; the refresh itself is what is tested.
  await thread.run("hi").catch(() => undefined);
  assert.deepEqual(asked, [{ reason: "unauthorized", previousAccountId: "acct_host" }]);
  const event = answered.find((notification) => notification.method === "sdk/serverRequest/answered" && notification.params.requestMethod === "account/chatgptAuthTokens/refresh");
  assert.ok(event?.method === "sdk/serverRequest/answered");
  assert.equal(event.params.outcome, "handled");
  assert.deepEqual(event.params.response, { accessToken: "[REDACTED]", chatgptAccountId: "acct_host", chatgptPlanType: null });
});

test("handed-over tokens are checked, and the errors never quote them", async (t) => {
  const { codex } = await offlineCodex(t);
  const secret = accessToken("never-quoted");
  await assert.rejects(codex.loginChatgptAuthTokens({ accessToken: secret, chatgptAccountId: "" }), (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.match(error.message, /tokens\.chatgptAccountId: must be a non-empty string/);
    assert.ok(!error.message.includes(secret));
    return true;
  });
  // @ts-expect-error: misspelt field.
  await assert.rejects(codex.loginChatgptAuthTokens({ accesToken: secret, chatgptAccountId: "a" }), (error: unknown) => error instanceof InvalidArgumentError && !error.message.includes(secret));
  assert.throws(() => new AsyncCodex({ onChatgptAuthTokensRefresh: () => ({ accessToken: "a", chatgptAccountId: "b" }), onServerRequest: { "account/chatgptAuthTokens/refresh": () => ({ accessToken: "a", chatgptAccountId: "b", chatgptPlanType: null }) } }), /answer the same request/);
});
