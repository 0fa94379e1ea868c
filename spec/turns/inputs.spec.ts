import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { describe as describeValue } from "../../lib/arguments.js";
import { toWireInput } from "../../lib/turns/inputs.js";
import { assertInvalid } from "../support/assertions.js";

const IMAGES = mkdtempSync(join(tmpdir(), "codex-inputs-"));
after(() => rmSync(IMAGES, { recursive: true, force: true }));
const IMAGE = join(IMAGES, "shot.png");
writeFileSync(IMAGE, "not really a png; only its existence is checked");


describe("toWireInput", () => {
  it("turns a string into one text item with empty text_elements", () => {
    assert.deepEqual(toWireInput("hello"), [{ type: "text", text: "hello", text_elements: [] }]);
  });

  it("keeps the text of a string exactly, including surrounding whitespace", () => {
    assert.deepEqual(toWireInput("  multi\nline  "), [{ type: "text", text: "  multi\nline  ", text_elements: [] }]);
  });

  it("accepts a single item and converts each item type to its wire shape", () => {
    assert.deepEqual(toWireInput({ type: "text", text: "hi" }), [{ type: "text", text: "hi", text_elements: [] }]);
    assert.deepEqual(toWireInput({ type: "image", url: "data:image/png;base64,AAAA" }), [{ type: "image", url: "data:image/png;base64,AAAA" }]);
    // A relative path is resolved against the current directory and sent absolute.
    assert.deepEqual(toWireInput({ type: "localImage", path: relative(process.cwd(), IMAGE) }), [{ type: "localImage", path: IMAGE }]);
    assert.deepEqual(toWireInput({ type: "skill", name: "lint", path: "/s/SKILL.md" }), [{ type: "skill", name: "lint", path: "/s/SKILL.md" }]);
    assert.deepEqual(toWireInput({ type: "mention", name: "app.ts", path: "/w/app.ts" }), [{ type: "mention", name: "app.ts", path: "/w/app.ts" }]);
  });

  it("converts an array of items in order and drops fields the wire does not take", () => {
    const items = [
      { type: "text", text: "What is in it?", extra: 1 },
      { type: "localImage", path: IMAGE },
    ] as const;
    assert.deepEqual(toWireInput(items), [
      { type: "text", text: "What is in it?", text_elements: [] },
      { type: "localImage", path: IMAGE },
    ]);
  });

  it("rejects a local image that does not exist, naming the item and the resolved path", () => {
    const missing = join(IMAGES, "missing.png");
    assertInvalid(() => toWireInput([{ type: "text", text: "look" }, { type: "localImage", path: missing }]), "input[1].path", new RegExp(`no such file: ${missing}`));
    assertInvalid(() => toWireInput({ type: "localImage", path: IMAGES }), "input.path", /no such file/);
  });

  it("rejects an empty or blank string", () => {
    assertInvalid(() => toWireInput(""), "input", /must not be an empty string/);
    assertInvalid(() => toWireInput(" \n\t"), "input", /must not be an empty string/);
  });

  it("rejects an empty array", () => {
    assertInvalid(() => toWireInput([]), "input", /at least one item/);
  });

  it("rejects non-object inputs, naming the argument given", () => {
    assertInvalid(() => toWireInput(undefined), "input", /must be a string or an input item object, got undefined$/);
    assertInvalid(() => toWireInput(null, "prompt"), "prompt", /got null/);
    assertInvalid(() => toWireInput(42), "input", /got number 42/);
    assertInvalid(() => toWireInput(["ok", "strings are not items"]), "input[0]", /got "ok"/);
  });

  it("rejects a text item whose text is not a string, naming the item and field", () => {
    assertInvalid(() => toWireInput([{ type: "text", text: "fine" }, { type: "text", text: 5 }]), "input[1].text", /must be a string, got number 5/);
    assertInvalid(() => toWireInput({ type: "text" }), "input.text", /must be a string, got undefined$/);
  });

  it("rejects an empty text field", () => {
    assertInvalid(() => toWireInput([{ type: "text", text: "  " }]), "input[0].text", /must not be empty/);
  });

  it("rejects an unknown or missing item type, listing the known ones", () => {
    assertInvalid(() => toWireInput({ type: "audio", data: "…" }), "input.type", /must be one of text, image, localImage, skill, mention; got "audio"/);
    assertInvalid(() => toWireInput([{ text: "no type" }]), "input[0].type", /got undefined/);
    assertInvalid(() => toWireInput([{ type: "toString" }]), "input[0].type", /must be one of/);
  });

  it("rejects an item missing a required path or name", () => {
    assertInvalid(() => toWireInput({ type: "localImage" }), "input.path", /must be a string/);
    assertInvalid(() => toWireInput([{ type: "skill", path: "/s" }]), "input[0].name", /must be a string/);
    assertInvalid(() => toWireInput([{ type: "text", text: "x" }, { type: "mention", name: "m", path: "" }]), "input[1].path", /must not be empty/);
    assertInvalid(() => toWireInput({ type: "image", url: null }), "input.url", /got null/);
  });
});

describe("describe (values in error messages)", () => {
  it("describes values briefly and truncates long strings", () => {
    assert.equal(describeValue(null), "null");
    assert.equal(describeValue(undefined), "undefined");
    assert.equal(describeValue([1]), "an array");
    assert.equal(describeValue({}), "an object");
    assert.equal(describeValue(true), "boolean true");
    assert.equal(describeValue("x".repeat(50)), JSON.stringify(`${"x".repeat(40)}…`));
  });
});
