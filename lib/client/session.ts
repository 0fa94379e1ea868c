import type { GenericSchema } from "valibot";
import type { TurnStartParams } from "../protocol/generated/v2/index.js";
import type { ApprovalHandler } from "./approvals.js";
import type { TurnHandle } from "./turn-handle.js";

/** Options every call accepts. */
export interface CallOptions {
  /** Aborting it rejects the call with `signal.reason`. */
  signal?: AbortSignal | undefined;
}

/**
 * What threads and turns need from their `AsyncCodex`: requests on the current runtime (started on
 * demand) and turn starts. Internal; it keeps `Thread` and `TurnHandle` free of connection state.
 */
export interface Session {
  request<T>(method: string, params: unknown, schema: GenericSchema, options?: CallOptions): Promise<T>;
  startTurn(params: TurnStartParams, options?: CallOptions & { onApproval?: ApprovalHandler | undefined }): Promise<TurnHandle>;
  reportError(error: Error): void;
}
