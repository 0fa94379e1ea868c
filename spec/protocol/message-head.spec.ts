import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readMessageHead } from "../../lib/protocol/message-head.js";

describe("readMessageHead", () => {
  it("reads the thread and turn of a turn/completed from its first characters, before the items", () => {
    const head = '{"method":"turn/completed","params":{"threadId":"th-1","turn":{"id":"tu-9","rootTurnId":"tu-9","items":[{"type":"agentMessage","text":"xxxx';
    assert.deepEqual(readMessageHead(head), { responseId: undefined, method: "turn/completed", threadId: "th-1", turnId: "tu-9" });
  });

  it("reads the request id of a response, and no method from inside its result", () => {
    assert.deepEqual(readMessageHead('{"id":17,"result":{"method":"not this","data":"xxx'), { responseId: 17, method: undefined, threadId: undefined, turnId: undefined });
  });

  it("names no turn for an item notification whose ids come after the item, nor for a turn id nested in a non-turn message", () => {
    assert.equal(readMessageHead('{"method":"item/completed","params":{"item":{"type":"agentMessage","text":"xxxx').turnId, undefined);
    assert.equal(readMessageHead('{"method":"thread/started","params":{"thread":{"id":"th","turn":{"id":"no"').turnId, undefined);
  });

  it("reads nothing from a head that is not a JSON-RPC message", () => {
    assert.deepEqual(readMessageHead("xxxxxxxx"), { responseId: undefined, method: undefined, threadId: undefined, turnId: undefined });
  });
});
