import assert from "node:assert/strict";
import { test } from "node:test";
import { checkKnownKeys } from "../lib/arguments.js";
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
