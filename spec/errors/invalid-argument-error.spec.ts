import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CodexError } from "../../lib/errors/codex-error.js";
import { InvalidArgumentError } from "../../lib/errors/invalid-argument-error.js";

describe("InvalidArgumentError", () => {
  it("prefixes an InvalidArgumentError message with the argument it names", () => {
    const error = new InvalidArgumentError("options.sandbox", "must be one of …");
    assert.equal(error.argument, "options.sandbox");
    assert.equal(error.message, "options.sandbox: must be one of …");
    assert.ok(error instanceof CodexError);
  });
});
