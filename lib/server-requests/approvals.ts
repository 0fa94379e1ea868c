import type {
  DynamicToolCallParams,
  CommandExecutionRequestApprovalParams,
  CommandExecutionRequestApprovalResponse,
  FileChangeRequestApprovalParams,
  FileChangeRequestApprovalResponse,
  PermissionsRequestApprovalParams,
  PermissionsRequestApprovalResponse,
} from "../protocol/generated/v2/index.js";

/**
 * A request for approval (from the runtime, or for a client-side tool from the SDK), as one discriminated union on `type`, with the request's
 * own fields spread in (`threadId`, `turnId`, `itemId`, and e.g. `command` and `cwd` for commands).
 */
export type ApprovalRequest =
  | ({
      /** A command wants to run. */
      type: "commandExecution";
    } & CommandExecutionRequestApprovalParams)
  | ({
      /** A change to files wants to be applied. */
      type: "fileChange";
    } & FileChangeRequestApprovalParams)
  | ({
      /** The model asks for more permissions (network, file system). */
      type: "permissions";
    } & PermissionsRequestApprovalParams)
  | ({
      /**
       * The model calls a client-side tool made with `needsApproval: true` (`tool`, `namespace`,
       * `arguments` as the model sent them, `callId`). Asked by the SDK, not the runtime.
       */
      type: "toolCall";
    } & DynamicToolCallParams);

/**
 * The answer to an {@link ApprovalRequest}:
 * - `"accept"`: allow this once (for permissions: grant what was asked, for this turn);
 * - `"acceptForSession"`: allow it and similar requests for the rest of the session;
 * - `"decline"`: refuse; the model is told and the turn goes on;
 * - `"cancel"`: refuse and interrupt the turn.
 */
export type ApprovalDecision = "accept" | "acceptForSession" | "decline" | "cancel";

/** What an approval handler gets besides the request. */
export interface ApprovalContext {
  /** Aborts when the request is settled another way (resolved by the runtime, turn ended, runtime gone). */
  signal: AbortSignal;
}

/**
 * Decides approval requests. It may take as long as a human needs (up to `serverRequestTimeoutMs`);
 * other turns and requests go on meanwhile. Throwing, or returning anything but a decision, declines.
 *
 * @example
 * ```ts
 * const codex = new AsyncCodex({
 *   onApproval: async (request) => (request.type === "commandExecution" && request.command?.startsWith("ls ") ? "accept" : "decline"),
 * });
 * ```
 */
export type ApprovalHandler = (request: ApprovalRequest, context: ApprovalContext) => ApprovalDecision | Promise<ApprovalDecision>;

/** The wire methods of approval requests and the {@link ApprovalRequest} type each becomes. */
export const APPROVAL_METHODS = {
  "item/commandExecution/requestApproval": "commandExecution",
  "item/fileChange/requestApproval": "fileChange",
  "item/permissions/requestApproval": "permissions",
} as const;

/** A wire method that {@link ApprovalHandler}s answer. */
export type ApprovalMethod = keyof typeof APPROVAL_METHODS;

const DECISIONS: readonly string[] = ["accept", "acceptForSession", "decline", "cancel"];

/** True for a value an approval handler may return. */
export function isApprovalDecision(value: unknown): value is ApprovalDecision {
  return typeof value === "string" && DECISIONS.includes(value);
}

/** Turns a decision into the wire response of the request it answers. */
export function approvalResponse(
  request: ApprovalRequest,
  decision: ApprovalDecision,
): CommandExecutionRequestApprovalResponse | FileChangeRequestApprovalResponse | PermissionsRequestApprovalResponse {
  if (request.type !== "permissions") return { decision };
  if (decision === "decline" || decision === "cancel") return { permissions: {}, scope: "turn" };
  const { network, fileSystem } = request.permissions;
  return {
    permissions: { ...(network ? { network } : {}), ...(fileSystem ? { fileSystem } : {}) },
    scope: decision === "acceptForSession" ? "session" : "turn",
  };
}
