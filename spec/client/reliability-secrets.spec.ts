// Secrets: the API key given to loginApiKey travels only inside its JSON-RPC request. It shows up
// in no argv, no child environment, no error and no event, and runtime output quoted in errors is
// redacted. (The stand-in's own environment carries its script, so only the real runtime's is read.)
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { setImmediate as nextMacrotask } from "node:timers/promises";
import { test } from "node:test";
import { JsonRpcError, type Notification, ProtocolError, TransportClosedError, TurnFailedError } from "../../lib/index.js";
import { rejectionOf, standInCodex } from "../fixtures/stand-in.js";
import { within } from "../support/assertions.js";
import { offlineCodex } from "../support/offline-codex.js";

const API_KEY = "sk-proj-Q7fJ3kLm9PzX2vB8nR4tW6yH1cD5gA0e";

/** Everything an error says: name, message, stack, own fields and causes, as one string. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return JSON.stringify(error) ?? String(error);
  const fields = JSON.stringify(Object.fromEntries(Object.entries(error)));
  return [error.name, error.message, error.stack ?? "", fields, error.cause === undefined ? "" : errorText(error.cause)].join("\n");
}

/** The runtime's argv and environment, as the kernel reports them. */
async function processText(pid: number): Promise<string> {
  const [cmdline, environ] = await Promise.all([readFile(`/proc/${pid}/cmdline`, "utf8"), readFile(`/proc/${pid}/environ`, "utf8")]);
  return `${cmdline}\n${environ}`;
}

test("the API key used in login appears in no argv, child environment, error or event, through success, failures and a crash", async (t) => {
  const { codex, env, errors } = await offlineCodex(t, {
    environment: {
      requiresOpenaiAuth: true,
      model: {
        replies: [
          { type: "text", text: "signed in fine" },
          // Like the real API, the provider quotes the rejected key masked.
          { type: "httpError", status: 401, message: `Incorrect API key provided: sk-proj-***************************A0e.` },
          { type: "hang" },
        ],
      },
    },
    // Verbose runtime logs make its stderr, quoted when it dies, as revealing as it gets.
    codex: { env: { RUST_LOG: "debug" } },
  });
  const seen: string[] = [];
  const events: Notification[] = [];
  void (async () => {
    for await (const notification of codex.notifications()) events.push(notification);
  })();
  const record = async (turn: AsyncIterable<Notification>): Promise<void> => {
    for await (const notification of turn) events.push(notification);
  };

  await codex.loginApiKey(API_KEY);
  seen.push(JSON.stringify(await codex.account()), JSON.stringify(codex.metadata));
  const firstPid = codex.pid;
  assert.ok(firstPid !== undefined);
  seen.push(await processText(firstPid));

  const thread = await codex.threadStart();
  await record(await thread.turn("hello"));
  const failed = await rejectionOf(thread.run("again"));
  assert.ok(failed instanceof TurnFailedError, String(failed));
  seen.push(errorText(await rejectionOf(thread.read({ includeTurns: "yes" as unknown as boolean }))));
  seen.push(JSON.stringify(await thread.read({ includeTurns: true })));

  const started = env.model.nextResponseRequest();
  const hanging = await thread.turn("wait forever");
  const dying = rejectionOf(record(hanging));
  await started;
  process.kill(firstPid, "SIGKILL");
  const crash = await within(dying, "the crash");
  assert.ok(crash instanceof TransportClosedError && crash.stderrTail.length > 0);
  seen.push(errorText(crash), errorText(failed), ...errors.map(errorText), JSON.stringify(events));

  // The key was really used: the model got it as the bearer token.
  assert.equal(env.model.responseRequests[0]?.headers.authorization, `Bearer ${API_KEY}`);
  assert.ok(events.some((event) => event.method === "turn/completed"));
  for (const text of seen) assert.ok(!text.includes(API_KEY.slice(8)), `the key leaked into: ${text.slice(0, 300)}`);
});

test("runtime output quoted in errors has keys, bearer tokens and JWTs redacted", async (t) => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  const stderr = `debug: POST /v1/responses authorization: Bearer ${API_KEY}\ndebug: refreshed id_token=${jwt}\npanic: OPENAI_API_KEY=${API_KEY} rejected\n`;
  const { codex, errors } = standInCodex(t, {
    script: {
      "account/login/start": [{ fail: { code: -32600, message: `invalid api key: ${API_KEY}` } }],
      "model/list": [{ write: `{"apiKey": "${API_KEY}", "authorization": "Bearer ${API_KEY}"` }, "answer"],
      "account/read": [{ exit: { code: 101, stderr } }],
    },
  });
  const rejected = await rejectionOf(codex.loginApiKey(API_KEY));
  assert.ok(rejected instanceof JsonRpcError);
  assert.equal(rejected.rpcMessage, "invalid api key: [REDACTED]");

  await codex.models();
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof ProtocolError);
  assert.match(errors[0].message, /^The runtime wrote a line that is not JSON: \{"apiKey": "\[REDACTED\]", "authorization": "Bearer \[REDACTED\]"/);

  const crashing = rejectionOf(codex.account());
  await nextMacrotask();
  const crash = await within(crashing, "the crash");
  assert.ok(crash instanceof TransportClosedError);
  assert.equal(crash.exitCode, 101);
  assert.equal(
    crash.stderrTail,
    "debug: POST /v1/responses authorization: Bearer [REDACTED]\ndebug: refreshed id_token=[REDACTED]\npanic: OPENAI_API_KEY=[REDACTED] rejected",
  );
  for (const text of [errorText(rejected), errorText(crash), ...errors.map(errorText)]) {
    assert.ok(!text.includes(API_KEY.slice(8)) && !text.includes(jwt.slice(-20)), `a secret leaked into: ${text.slice(0, 300)}`);
  }
});

test("a provider error quoting the whole key reaches TurnFailedError and TurnResult.error redacted", async (t) => {
  const { codex } = await offlineCodex(t, {
    environment: { model: { replies: [{ type: "failed", message: `Incorrect API key provided: ${API_KEY}` }] } },
  });
  const thread = await codex.threadStart();
  const error = await rejectionOf(thread.run("hello"));
  assert.ok(error instanceof TurnFailedError);
  assert.match(error.message, /Incorrect API key provided: \[REDACTED\]/);
  assert.equal(errorText(error).includes(API_KEY), false);
  assert.equal(JSON.stringify(error.result).includes(API_KEY), false);
});
