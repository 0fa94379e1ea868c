import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LINE_HEAD_LENGTH, LineDecoder } from "../../lib/transport/line-decoder.js";

/** A decoder that records what it reports. */
function recorder(maxLineLength = 1024) {
  const lines: string[] = [];
  const oversize: number[] = [];
  const decoder = new LineDecoder({ line: (text) => lines.push(text), oversize: (length) => oversize.push(length) }, maxLineLength);
  return { decoder, lines, oversize };
}

describe("LineDecoder", () => {
  it("emits each newline-terminated line of a chunk without its newline", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from('{"id":1}\n{"id":2}\n'));
    assert.deepEqual(lines, ['{"id":1}', '{"id":2}']);
  });

  it("joins a line split across chunks and emits it only once the newline arrives", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from('{"method":"tu'));
    decoder.write(Buffer.from("rn/started"));
    assert.deepEqual(lines, []);
    decoder.write(Buffer.from('"}\n{"a"'));
    assert.deepEqual(lines, ['{"method":"turn/started"}']);
    decoder.write(Buffer.from(":1}\n"));
    assert.deepEqual(lines, ['{"method":"turn/started"}', '{"a":1}']);
  });

  it("decodes multi-byte UTF-8 characters intact when a chunk boundary falls at any byte offset", () => {
    const text = 'a é b 😀 c 中文 d\n{"x":"ü"}\n';
    const bytes = Buffer.from(text);
    for (let first = 0; first <= bytes.length; first += 1) {
      for (const second of [first, Math.min(bytes.length, first + 1), Math.min(bytes.length, first + 2), Math.min(bytes.length, first + 3)]) {
        const { decoder, lines, oversize } = recorder();
        decoder.write(bytes.subarray(0, first));
        decoder.write(bytes.subarray(first, second));
        decoder.write(bytes.subarray(second));
        decoder.end();
        assert.deepEqual(lines, ["a é b 😀 c 中文 d", '{"x":"ü"}'], `split at ${first}/${second}`);
        assert.deepEqual(oversize, []);
      }
    }
  });

  it("decodes a stream fed one byte at a time", () => {
    const { decoder, lines } = recorder();
    for (const byte of Buffer.from("😀é\r\nzß\n")) decoder.write(Buffer.from([byte]));
    assert.deepEqual(lines, ["😀é", "zß"]);
  });

  it("strips \\r from \\r\\n line endings, also when \\r and \\n arrive in different chunks", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from("one\r\ntwo\r"));
    decoder.write(Buffer.from("\nthree\r\n"));
    assert.deepEqual(lines, ["one", "two", "three"]);
  });

  it("skips empty and whitespace-only lines", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from("\n\r\n  \n\ta\t\n\nb\n"));
    assert.deepEqual(lines, ["\ta\t", "b"]);
  });

  it("flushes a final line without a trailing newline on end(), and only then", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from("first\nlast"));
    assert.deepEqual(lines, ["first"]);
    decoder.end();
    assert.deepEqual(lines, ["first", "last"]);
  });

  it("emits nothing extra on end() when the stream ended with a newline", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from("only\n"));
    decoder.end();
    assert.deepEqual(lines, ["only"]);
  });

  it("delivers a line of exactly maxLineLength characters", () => {
    const { decoder, lines, oversize } = recorder(10);
    decoder.write(Buffer.from("0123456789\n"));
    decoder.write(Buffer.from("abcdefghij"));
    decoder.write(Buffer.from("\r\n"));
    decoder.write(Buffer.from("ABCDEFGHIJ\r"));
    decoder.write(Buffer.from("\n"));
    assert.deepEqual(lines, ["0123456789", "abcdefghij", "ABCDEFGHIJ"]);
    assert.deepEqual(oversize, []);
  });

  it("reports a too-long line that arrives in one chunk once, drops it, and keeps the following lines", () => {
    const { decoder, lines, oversize } = recorder(10);
    decoder.write(Buffer.from(`before\n${"x".repeat(25)}\nafter\n`));
    assert.deepEqual(lines, ["before", "after"]);
    assert.deepEqual(oversize, [25]);
  });

  it("reports a too-long line that grows across many chunks once, drops all of it, and keeps the following lines", () => {
    const { decoder, lines, oversize } = recorder(10);
    decoder.write(Buffer.from("before\nxxxx"));
    for (let i = 0; i < 100; i += 1) decoder.write(Buffer.from("xxxx"));
    decoder.write(Buffer.from("xx\nafter\n"));
    assert.deepEqual(lines, ["before", "after"]);
    assert.equal(oversize.length, 1);
    assert.ok(oversize[0]! > 10, `reported length ${oversize[0]}`);
  });

  it("tells the first characters of a dropped line, whether it came in one chunk or many", () => {
    const heads: string[] = [];
    const decoder = new LineDecoder({ line: () => {}, oversize: (_length, head) => heads.push(head) }, 2000);
    const message = `{"method":"turn/completed","params":{"threadId":"t","turn":{"id":"u","text":"${"x".repeat(5000)}"}}}`;
    decoder.write(Buffer.from(`${message}\n`));
    for (let index = 0; index < message.length; index += 300) decoder.write(Buffer.from(message.slice(index, index + 300)));
    decoder.write(Buffer.from("\n"));
    assert.deepEqual(heads, [message.slice(0, LINE_HEAD_LENGTH), message.slice(0, LINE_HEAD_LENGTH)]);
  });

  it("drops the rest of an oversize line that runs to the end of the stream", () => {
    const { decoder, lines, oversize } = recorder(10);
    decoder.write(Buffer.from("ok\n"));
    decoder.write(Buffer.from("y".repeat(11)));
    decoder.write(Buffer.from("y".repeat(5)));
    decoder.end();
    assert.deepEqual(lines, ["ok"]);
    assert.equal(oversize.length, 1);
  });

  it("reports each of several too-long lines once", () => {
    const { decoder, lines, oversize } = recorder(5);
    decoder.write(Buffer.from("aaaaaaaa\nbb\ncccccccccccc"));
    decoder.write(Buffer.from("cc\ndd\n"));
    assert.deepEqual(lines, ["bb", "dd"]);
    assert.equal(oversize.length, 2);
  });

  it("can be reused after end()", () => {
    const { decoder, lines } = recorder();
    decoder.write(Buffer.from("one"));
    decoder.end();
    decoder.write(Buffer.from("two\n"));
    assert.deepEqual(lines, ["one", "two"]);
  });
});
