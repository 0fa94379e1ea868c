import assert from "node:assert/strict";
import { test } from "node:test";
import type { MessageLogEntry } from "../../lib/index.js";
import { redactMessage, withMessageLog } from "../../lib/rpc/message-log.js";
import type { Transport } from "../../lib/transport/transport.js";

test("redactMessage replaces secret-named fields and secret-looking strings, and copies the rest", () => {
  const message = {
    id: 3,
    method: "account/login/start",
    params: { type: "apiKey", apiKey: "sk-abcdefghijklmnop", nested: [{ accessToken: "eyJ.a.b", note: "Bearer abcdefghijklmnop" }], sessionToken: null },
  };
  const redacted = redactMessage(message);
  assert.deepEqual(redacted, {
    id: 3,
    method: "account/login/start",
    params: { type: "apiKey", apiKey: "[REDACTED]", nested: [{ accessToken: "[REDACTED]", note: "Bearer [REDACTED]" }], sessionToken: null },
  });
  assert.equal(message.params.apiKey, "sk-abcdefghijklmnop", "the message itself is untouched");
});

test("withMessageLog logs each message once, pairs replies with their request, and survives a throwing logger", async () => {
  const sent: object[] = [];
  const incoming = [{ id: 1, result: { ok: true } }, { method: "turn/started", params: {} }, { id: 7, method: "item/tool/call", params: {} }];
  const transport: Transport = {
    start: async () => {},
    send: (message) => void sent.push(message),
    messages: (async function* () {
      yield* incoming;
    })(),
    close: async () => {},
  };
  const entries: MessageLogEntry[] = [];
  const errors: Error[] = [];
  let throwNext = false;
  const logged = withMessageLog(
    transport,
    (entry) => {
      entries.push(entry);
      if (throwNext) throw new Error("logger bug");
    },
    (error) => errors.push(error),
  );
  logged.send({ jsonrpc: "2.0", id: 1, method: "model/list", params: {} });
  const received: unknown[] = [];
  for await (const message of logged.messages) received.push(message);
  throwNext = true;
  logged.send({ jsonrpc: "2.0", id: 7, result: { contentItems: [], success: true } });
  assert.equal(received.length, 3, "every message still arrives");
  assert.equal(sent.length, 2, "every message is still sent, a throwing logger included");
  assert.deepEqual(
    entries.map(({ direction, kind, method, id, error }) => ({ direction, kind, method, id, error })),
    [
      { direction: "out", kind: "request", method: "model/list", id: 1, error: false },
      { direction: "in", kind: "response", method: "model/list", id: 1, error: false },
      { direction: "in", kind: "notification", method: "turn/started", id: undefined, error: false },
      { direction: "in", kind: "request", method: "item/tool/call", id: 7, error: false },
      { direction: "out", kind: "response", method: "item/tool/call", id: 7, error: false },
    ],
  );
  assert.ok(entries.filter((entry) => entry.kind === "response").every((entry) => typeof entry.durationMs === "number"));
  assert.equal(entries[0]?.size, Buffer.byteLength(JSON.stringify(sent[0])));
  assert.deepEqual(errors.map((error) => error.message), ["logger bug"]);
});
