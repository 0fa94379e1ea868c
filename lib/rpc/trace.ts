import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";

/**
 * W3C Trace Context for one request, sent in its JSON-RPC `trace` field. The runtime makes its
 * server span a child of `traceparent` and, when its own `[otel]` trace exporter is configured,
 * propagates both headers to the model requests of that turn.
 *
 * @example
 * ```ts
 * await thread.run("hi", { trace: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } });
 * ```
 */
export interface TraceContext {
  /** `version-traceid-parentid-flags`, e.g. `"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"`. */
  traceparent: string;
  /** Vendor entries, e.g. `"vendor=abc123"`. */
  tracestate?: string | undefined;
}

/** Returns the trace context for a request, or `undefined` when there is none. */
export type TraceContextProvider = () => TraceContext | undefined;

const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
// Printable ASCII, at most 32 comma-separated list members (W3C Trace Context §3.3).
const TRACESTATE = /^[\x20-\x7e]{0,512}$/;

/**
 * Checks a trace context before it is sent: the runtime turns a request whose `trace` it cannot
 * read into a notification and never answers it, so a bad shape must fail here.
 *
 * @returns the wire value (`tracestate` omitted when absent).
 * @throws {InvalidArgumentError} naming `argument` and what is wrong.
 */
export function checkTraceContext(value: unknown, argument: string): TraceContext {
  checkObject(value, argument);
  checkKnownKeys(value, ["traceparent", "tracestate"], argument);
  const { traceparent, tracestate } = value;
  if (typeof traceparent !== "string" || !TRACEPARENT.test(traceparent)) {
    throw new InvalidArgumentError(`${argument}.traceparent`, `must be a W3C traceparent like "00-<32 hex>-<16 hex>-<2 hex>" (lower case, ids not all zero), got ${describe(traceparent)}`);
  }
  if (tracestate === undefined) return { traceparent };
  if (typeof tracestate !== "string" || !TRACESTATE.test(tracestate) || tracestate.split(",").length > 32) {
    throw new InvalidArgumentError(`${argument}.tracestate`, `must be a W3C tracestate (printable ASCII, at most 512 characters and 32 entries), got ${describe(tracestate)}`);
  }
  return { traceparent, tracestate };
}
