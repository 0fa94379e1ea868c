import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidArgumentError } from "../../lib/index.js";
import { checkTraceContext } from "../../lib/rpc/trace.js";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

test("checkTraceContext accepts W3C trace contexts and returns the wire value", () => {
  assert.deepEqual(checkTraceContext({ traceparent: TRACEPARENT }, "trace"), { traceparent: TRACEPARENT });
  assert.deepEqual(checkTraceContext({ traceparent: TRACEPARENT, tracestate: "a=1,b=2" }, "trace"), { traceparent: TRACEPARENT, tracestate: "a=1,b=2" });
  assert.deepEqual(checkTraceContext({ traceparent: TRACEPARENT, tracestate: undefined }, "trace"), { traceparent: TRACEPARENT });
});

test("checkTraceContext refuses what the runtime would turn into an unanswered notification, naming the field", () => {
  const refused: Array<[unknown, RegExp]> = [
    ["not-an-object", /^trace: must be an object/],
    [null, /^trace: must be an object/],
    [{}, /^trace\.traceparent: must be a W3C traceparent/],
    [{ traceparent: TRACEPARENT.toUpperCase() }, /^trace\.traceparent/],
    [{ traceparent: `00-${"0".repeat(32)}-00f067aa0ba902b7-01` }, /^trace\.traceparent/],
    [{ traceparent: `00-4bf92f3577b34da6a3ce929d0e0e4736-${"0".repeat(16)}-01` }, /^trace\.traceparent/],
    [{ traceparent: TRACEPARENT, tracestate: 5 }, /^trace\.tracestate: must be a W3C tracestate/],
    [{ traceparent: TRACEPARENT, tracestate: "x".repeat(513) }, /^trace\.tracestate/],
    [{ traceparent: TRACEPARENT, tracestate: Array.from({ length: 33 }, (_, index) => `k${index}=v`).join(",") }, /^trace\.tracestate/],
    [{ traceparent: TRACEPARENT, traceState: "a=1" }, /^trace\.traceState: is not a known option; did you mean tracestate\?/],
  ];
  for (const [value, pattern] of refused) {
    assert.throws(() => checkTraceContext(value, "trace"), (error: unknown) => error instanceof InvalidArgumentError && pattern.test(error.message), JSON.stringify(value));
  }
});
