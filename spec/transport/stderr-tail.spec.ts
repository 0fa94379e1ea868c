import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StderrTail } from "../../lib/transport/stderr-tail.js";

describe("StderrTail", () => {
  it("is empty before anything is written", () => {
    assert.equal(new StderrTail().toString(), "");
  });

  it("keeps complete lines and an unterminated last line, joined by newlines", () => {
    const tail = new StderrTail();
    tail.write("first line\nsecond ");
    tail.write("line\nthird, no newline yet");
    assert.equal(tail.toString(), "first line\nsecond line\nthird, no newline yet");
  });

  it("strips ANSI colour codes, also from an unterminated last line", () => {
    const tail = new StderrTail();
    tail.write("\u001b[2m2026-12-01T09:54:34Z\u001b[0m \u001b[31mERROR\u001b[0m boom\n\u001b[33mWARN\u001b[0m half");
    assert.equal(tail.toString(), "2026-12-01T09:54:34Z ERROR boom\nWARN half");
  });

  it("skips blank lines", () => {
    const tail = new StderrTail();
    tail.write("a\n\n   \nb\n");
    assert.equal(tail.toString(), "a\nb");
  });

  it("keeps only the last maxLines complete lines", () => {
    const tail = new StderrTail(3, 10_000);
    for (let i = 1; i <= 10; i += 1) tail.write(`line ${i}\n`);
    assert.equal(tail.toString(), "line 8\nline 9\nline 10");
  });

  it("counts an unterminated last line against maxLines", () => {
    const tail = new StderrTail(2, 10_000);
    tail.write("l1\nl2\nl3\npartial");
    assert.equal(tail.toString(), "l3\npartial");
  });

  it("keeps only the last maxChars characters", () => {
    const tail = new StderrTail(100, 12);
    tail.write("aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n");
    assert.equal(tail.toString(), "bbbbbbbbb\ncccccccccc".slice(-12));
    assert.equal(tail.toString().length, 12);
  });

  it("bounds an endless line without a newline to maxChars", () => {
    const tail = new StderrTail(10, 50);
    for (let i = 0; i < 1000; i += 1) tail.write("0123456789");
    assert.equal(tail.toString(), "0123456789".repeat(5));
  });

  it("redacts API keys, bearer tokens and api_key assignments", () => {
    const tail = new StderrTail();
    tail.write("ERROR auth failed for sk-abcdefghijklmnopqrstuvwx\n");
    tail.write("header Authorization: Bearer 0123456789abcdefghij\n");
    tail.write("config api_key=supersecretvalue");
    const text = tail.toString();
    assert.equal(text, "ERROR auth failed for [REDACTED]\nheader Authorization: Bearer [REDACTED]\nconfig api_key=[REDACTED]");
  });

  it("redacts a secret split across two writes", () => {
    const tail = new StderrTail();
    tail.write("key sk-abcdefg");
    tail.write("hijklmnop done\n");
    assert.equal(tail.toString(), "key [REDACTED] done");
  });

  it("does not leak the end of a secret when the character limit cuts into it", () => {
    const secret = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (const text of [`Authorization: Bearer ${secret}\n`, `Authorization: Bearer ${secret}`, `x\nAuthorization: Bearer ${secret}\nok\n`]) {
      const tail = new StderrTail(40, 30);
      tail.write(text);
      assert.doesNotMatch(tail.toString(), /mnopqrstuvwxyz/, JSON.stringify(text));
    }
  });

  it("does not leak the end of a secret when an earlier line is cut to the character limit", () => {
    const tail = new StderrTail(40, 40);
    tail.write("token=abcdefghijklmnopqrstuvwxyz\n");
    tail.write("a short line\n");
    assert.doesNotMatch(tail.toString(), /pqrstuvwxyz/);
  });
});
