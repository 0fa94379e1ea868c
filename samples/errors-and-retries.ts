/**
 * Errors and retries: every SDK error is a CodexError, and its subclass says what went wrong.
 * retryOnOverload retries only what the runtime reports as overload, with backoff and jitter.
 *
 *   npx tsx samples/errors-and-retries.ts [--live]
 */
import { AsyncCodex, CodexError, InvalidArgumentError, isRetryableError, JsonRpcError, type RetryOptions, retryOnOverload, TurnFailedError, TurnTimeoutError } from "codex-app-sdk";
import { userTexts } from "codex-app-sdk/testing";
import { live, openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake model rejects unknown models as the real API does, and goes silent when asked to think.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    if ((request.body as { model?: string }).model === "no-such-model") return { type: "httpError", status: 404, message: "The model `no-such-model` does not exist", code: "model_not_found" };
    return userTexts(request).at(-1)?.startsWith("Think") ? { type: "hang" } : { type: "text", text: "done" };
  },
});
// turnIdleTimeoutMs is the watchdog: a turn that sends nothing for that long is interrupted.
await using codex = new AsyncCodex({ ...sample.options, turnIdleTimeoutMs: live ? 120_000 : 1_500 });
const thread = await codex.threadStart({ cwd: sample.cwd });

// Bad input: InvalidArgumentError names the argument; nothing was sent.
await thread.run("").catch((error: unknown) => {
  if (error instanceof InvalidArgumentError) console.log(`${error.name}: ${error.argument}`);
});

// The runtime refuses a request: a JsonRpcError subclass, with the JSON-RPC code. For a thread it
// does not have, a ThreadNotFoundError (an InvalidRequestError) whose message says what to do.
await codex.threadResume("00000000-0000-0000-0000-000000000000").catch((error: unknown) => {
  if (error instanceof JsonRpcError) console.log(`${error.name} (${error.code}), retryable: ${isRetryableError(error)}`);
});

// A turn that fails: TurnFailedError holds the result and the runtime's classification. An own
// thread, since a turn's model applies to the thread's later turns too.
const other = await codex.threadStart({ cwd: sample.cwd });
await other.run("Hello", { model: "no-such-model" }).catch((error: unknown) => {
  if (error instanceof TurnFailedError) console.log(`turn failed (${JSON.stringify(error.codexErrorInfo)}): status ${error.result.status}`);
});

// The watchdog: a silent turn rejects with TurnTimeoutError (the SDK interrupts it).
try {
  console.log(`thinking turn: ${(await thread.run("Think about it quietly, then say done.")).status}`);
} catch (error) {
  if (!(error instanceof TurnTimeoutError)) throw error;
  console.log(`${error.name} after ${error.idleMs} ms of silence`);
}

// retryOnOverload (default: 3 attempts, 250 ms first pause, jitter). Here the first two attempts
// are made to fail the way an overloaded runtime answers (-32001).
let attempts = 0;
const retrying: RetryOptions = { minTimeout: 100, onFailedAttempt: ({ error, attemptNumber }) => console.log(`attempt ${attemptNumber}: ${error.name}, retrying`) };
const models = await retryOnOverload(async () => {
  if (++attempts < 3) throw JsonRpcError.from({ code: -32001, message: "Server overloaded; retry later." }, "model/list");
  return codex.models();
}, retrying);
console.log(`model/list succeeded on attempt ${attempts} with ${models.data.length} models`);

// Anything else is rethrown at once: repeating a bad request would fail the same way.
await retryOnOverload((attempt) => {
  attempts = attempt;
  return codex.threadResume("not-a-thread-id");
}).catch((error: unknown) => {
  if (error instanceof CodexError) console.log(`not retried: ${error.name} after ${attempts} attempt(s)`);
});
