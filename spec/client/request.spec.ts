import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncCodex, InvalidArgumentError, InvalidRequestError, RequestTimeoutError } from "../../lib/index.js";
import { standInCodex } from "../fixtures/stand-in.js";
import { offlineCodex } from "../support/offline-codex.js";

test("request() calls a method typed from the protocol and starts the runtime lazily", async (t) => {
  const { codex } = await offlineCodex(t);
  assert.equal(codex.pid, undefined);
  const models = await codex.request("model/list", { includeHidden: false });
  assert.ok(codex.pid !== undefined);
  // Typed: `data` is the generated Model[]; a wrong field would not compile.
  assert.ok(models.data.some((model) => model.id.length > 0));
});

test("request() calls an experimental method when experimentalApi is on (the default)", async (t) => {
  const { codex } = await offlineCodex(t);
  const modes = await codex.request("collaborationMode/list", {});
  assert.deepEqual(modes.data.map((mode) => mode.mode).sort(), ["default", "plan"]);
});

test("request() refuses an experimental method before sending when experimentalApi is off", async (t) => {
  const { codex } = await offlineCodex(t, { codex: { experimentalApi: false } });
  await assert.rejects(codex.request("collaborationMode/list", {}), (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError);
    assert.match(error.message, /collaborationMode\/list is part of the runtime's experimental API.*experimentalApi: false/);
    return true;
  });
  assert.equal(codex.pid, undefined, "nothing was started for a refused call");
  // Stable methods still work on that client.
  assert.ok((await codex.request("model/list", {})).data.length > 0);
});

test("an unknown method is a type error, and the untyped overload gets the runtime's InvalidRequestError", async (t) => {
  const { codex } = await offlineCodex(t);
  const typoed = (): Promise<unknown> =>
    // @ts-expect-error: "model/lists" is not a method of the pinned runtime.
    codex.request("model/lists", {});
  await assert.rejects(typoed(), InvalidRequestError);
  await assert.rejects(codex.requestUntyped("no/such/method", {}), (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError);
    assert.equal(error.code, -32600);
    assert.match(error.rpcMessage, /unknown variant `no\/such\/method`/);
    return true;
  });
});

test("request() honours signal and timeoutMs, and checks its options", async (t) => {
  const { codex } = await offlineCodex(t);
  const controller = new AbortController();
  const reason = new Error("stop");
  controller.abort(reason);
  await assert.rejects(codex.request("model/list", {}, { signal: controller.signal }), (error: unknown) => error === reason);
  await assert.rejects(codex.request("model/list", {}, { timeoutMs: -1 }), /options\.timeoutMs: must be a positive number/);
  // @ts-expect-error: misspelt option.
  await assert.rejects(codex.request("model/list", {}, { timeoutMS: 5 }), /options\.timeoutMS: is not a known option; did you mean timeoutMs\?/);
  await assert.rejects(codex.requestUntyped("initialize", {}), /initialize is sent by the SDK itself/);
});

test("request() gives up after its own timeoutMs on a request the runtime holds", async (t) => {
  // The real runtime answers model/list at once; the stand-in holds it, a fault it cannot produce.
  const { codex } = standInCodex(t, { script: { "model/list": ["hold"] } });
  const started = performance.now();
  await assert.rejects(codex.request("model/list", {}, { timeoutMs: 200 }), (error: unknown) => {
    assert.ok(error instanceof RequestTimeoutError);
    assert.match(error.message, /model\/list/);
    return true;
  });
  assert.ok(performance.now() - started < 5_000);
});

test("request() queues behind maxInFlightRequests like every other call", async (t) => {
  const { codex } = await offlineCodex(t, { codex: { maxInFlightRequests: 1 } });
  const results = await Promise.all(Array.from({ length: 5 }, () => codex.request("model/list", {})));
  assert.equal(results.length, 5);
  assert.ok(results.every((result) => result.data.length === results[0]?.data.length));
});

test("a method without params may leave them out", () => {
  const codex = new AsyncCodex();
  // Compiles: account/logout takes no params. Not sent: nothing here awaits a runtime.
  const call: () => Promise<unknown> = () => codex.request("account/logout");
  assert.equal(typeof call, "function");
});
