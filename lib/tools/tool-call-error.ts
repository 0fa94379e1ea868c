import { CodexError, type CodexErrorOptions } from "../errors.js";

/** Why a client-side tool call failed. */
export type ToolCallFailure =
  /** No implementation of the tool is attached to the thread in this client. */
  | "unknownTool"
  /** The model's arguments do not match the tool's parameters; `execute` did not run. */
  | "invalidArguments"
  /** `execute` threw or rejected. */
  | "failed"
  /** `execute` ran longer than the tool's `timeoutMs`. */
  | "timedOut"
  /** `execute` returned a value that cannot be sent (not expressible as JSON). */
  | "invalidOutput"
  /** The tool needs approval, and it was not given (no handler, a throw, or a decline). */
  | "notApproved";

/**
 * A client-side tool call did not produce a result. The model was told why (the same text as
 * `message`, with anything that looks like a secret redacted) and the turn went on; this error
 * goes to `onError` and the turn's `sdk/serverRequest/answered` event shows the answer sent.
 */
export class ToolCallError extends CodexError {
  /** Always `"ToolCallError"`. */
  override name = "ToolCallError";
  /** What went wrong. */
  readonly reason: ToolCallFailure;
  /** The tool's name, as the model called it. */
  readonly tool: string;
  /** Its namespace, or `null`. */
  readonly namespace: string | null;
  /** The thread of the call. */
  readonly threadId: string;
  /** The turn of the call. */
  readonly turnId: string;
  /** The model's id of the call. */
  readonly callId: string;
  /** For `invalidArguments`: what did not match, by dotted path (`""` for the whole arguments). */
  readonly issues: ReadonlyArray<{
    /** Dotted path of the offending argument. */
    path: string;
    /** What is wrong with it. */
    message: string;
  }>;

  constructor(
    message: string,
    details: {
      reason: ToolCallFailure;
      tool: string;
      namespace: string | null;
      threadId: string;
      turnId: string;
      callId: string;
      issues?: ReadonlyArray<{ path: string; message: string }> | undefined;
    },
    options?: CodexErrorOptions,
  ) {
    super(message, options);
    this.reason = details.reason;
    this.tool = details.tool;
    this.namespace = details.namespace;
    this.threadId = details.threadId;
    this.turnId = details.turnId;
    this.callId = details.callId;
    this.issues = details.issues ?? [];
  }
}
