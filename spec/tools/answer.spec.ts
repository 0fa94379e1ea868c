import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError, toolImage } from "../../lib/index.js";
import { failureResponse, toContentItems } from "../../lib/tools/answer.js";

const PNG = "data:image/png;base64,iVBORw0KGgo=";

test("a tool's return value becomes strict contentItems", () => {
  assert.deepEqual(toContentItems("hi"), [{ type: "inputText", text: "hi" }]);
  assert.deepEqual(toContentItems({ id: 1, tags: ["a"] }), [{ type: "inputText", text: '{"id":1,"tags":["a"]}' }]);
  assert.deepEqual(toContentItems(42), [{ type: "inputText", text: "42" }]);
  assert.deepEqual(toContentItems(null), [{ type: "inputText", text: "null" }]);
  assert.deepEqual(toContentItems(undefined), [{ type: "inputText", text: "(no output)" }]);
  assert.deepEqual(toContentItems(toolImage(PNG)), [{ type: "inputImage", imageUrl: PNG }]);
  assert.deepEqual(toContentItems(["one", toolImage(PNG), "two"]), [
    { type: "inputText", text: "one" },
    { type: "inputImage", imageUrl: PNG },
    { type: "inputText", text: "two" },
  ]);
  assert.deepEqual(toContentItems([1, 2]), [{ type: "inputText", text: "[1,2]" }], "an array of data is JSON");
  assert.deepEqual(toContentItems([]), [{ type: "inputText", text: "[]" }]);
  assert.throws(() => toContentItems(10n), TypeError);
  assert.deepEqual(failureResponse("why"), { contentItems: [{ type: "inputText", text: "why" }], success: false });
});

test("toolImage takes data URLs and bytes, and refuses remote URLs the runtime would refuse", () => {
  assert.equal(toolImage(new Uint8Array([1, 2, 3]), "image/png").dataUrl, "data:image/png;base64,AQID");
  assert.throws(() => toolImage("https://example.com/a.png"), (error: Error) => error instanceof InvalidArgumentError && /remote URLs are refused/.test(error.message));
  assert.throws(() => toolImage(new Uint8Array([1]), "text/plain"), (error: Error) => error instanceof InvalidArgumentError && error.argument === "mimeType");
  assert.throws(() => toolImage(new Uint8Array([1])), InvalidArgumentError);
});
