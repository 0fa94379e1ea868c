import assert from "node:assert/strict";
import { test } from "node:test";
import { checkKnownKeys, checkOptions, checkSignal } from "../lib/arguments.js";
import { InvalidArgumentError } from "../lib/errors.js";

test("checkKnownKeys accepts options whose keys are all known", () => {
  assert.doesNotThrow(() => checkKnownKeys({ onApproval: () => {}, signal: undefined }, ["onApproval", "signal"], "options"));
});

test("checkKnownKeys names an unknown key and suggests the near miss", () => {
  assert.throws(
    () => checkKnownKeys({ onApprove: () => {} }, ["onApproval", "signal"], "options"),
    (error: unknown) => error instanceof InvalidArgumentError && error.argument === "options.onApprove" && /did you mean onApproval\?/.test(error.message),
  );
});

test("checkKnownKeys suggests a key that differs only in case", () => {
  assert.throws(() => checkKnownKeys({ codexhome: "/x" }, ["codexHome"], "options"), /did you mean codexHome\?/);
});

test("checkKnownKeys suggests nothing for a key unlike every known one, and lists the known keys", () => {
  assert.throws(
    () => checkKnownKeys({ banana: 1 }, ["cwd", "model"], "options"),
    (error: unknown) => error instanceof InvalidArgumentError && !/did you mean/.test(error.message) && /known: cwd, model/.test(error.message),
  );
});

test("checkKnownKeys counts a swap of two neighbouring letters as one typo", () => {
  assert.throws(() => checkKnownKeys({ modle: "x" }, ["model", "cwd"], "options"), /did you mean model\?/);
});

test("checkSignal accepts an AbortSignal or undefined and names anything else", () => {
  assert.doesNotThrow(() => checkSignal(AbortSignal.timeout(1000)));
  assert.doesNotThrow(() => checkSignal(undefined));
  // One from another realm or a polyfill works the same, so it passes too.
  assert.doesNotThrow(() => checkSignal(Object.assign(new EventTarget(), { aborted: false, reason: undefined })));
  for (const signal of ["abort", null, {}, { aborted: true, addEventListener() {} }, new AbortController()]) {
    assert.throws(() => checkSignal(signal), (error: unknown) => error instanceof InvalidArgumentError && error.argument === "options.signal" && /must be an AbortSignal/.test(error.message));
  }
});

test("checkOptions takes undefined as no options and checks object, keys and signal", () => {
  assert.deepEqual(checkOptions(undefined, ["signal"]), {});
  assert.throws(() => checkOptions("fast" as never, ["signal"]), /options: must be an object, got "fast"/);
  assert.throws(() => checkOptions({ signal: "x" }, ["signal"], "options"), /options\.signal: must be an AbortSignal/);
  assert.throws(() => checkOptions({ sigal: undefined }, ["signal"]), /options\.sigal: is not a known option; did you mean signal\?/);
});
