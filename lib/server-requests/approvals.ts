import type {
  DynamicToolCallParams,
  CommandExecutionRequestApprovalParams,
  CommandExecutionRequestApprovalResponse,
  FileChangeRequestApprovalParams,
  FileChangeRequestApprovalResponse,
  PermissionsRequestApprovalParams,
  PermissionsRequestApprovalResponse,
} from "../protocol/generated/v2/index.js";
import { unwrapShellCommand } from "./shell-command.js";

/**
 * A request for approval (from the runtime, or for a client-side tool from the SDK), as one
 * discriminated union on `type`, with the request's own fields spread in (`threadId`, `turnId`, `itemId`, …). For a command, decide on `script` (the
 * command as the model wrote it) and `commandActions` (the runtime's reading of it), not on
 * `command`, which is wrapped in the shell that runs it. A real request (runtime 0.169.0):
 *
 * ```json
 * {
 *   "type": "commandExecution",
 *   "script": "ls -la && cat README.md | head -5",
 *   "command": "/bin/bash -lc 'ls -la && cat README.md | head -5'",
 *   "commandActions": [
 *     { "type": "listFiles", "command": "ls -la", "path": null },
 *     { "type": "read", "command": "cat README.md", "name": "README.md", "path": "/work/app/README.md" }
 *   ],
 *   "cwd": "/work/app",
 *   "kind": "command",
 *   "threadId": "…", "turnId": "…", "itemId": "call_1", "startedAtMs": 1796118852835, "environmentId": "local",
 *   "proposedExecpolicyAmendment": ["ls", "-la"],
 *   "availableDecisions": ["accept", { "acceptWithExecpolicyAmendment": { "execpolicy_amendment": ["ls", "-la"] } }, "cancel"]
 * }
 * ```
 *
 * `commandActions` is the runtime's reading of the script, one entry per part it recognised
 * (`read`, `listFiles`, `search`), or one `unknown` entry holding the whole script. Use it to
 * describe the command, never to approve it: it leaves parts out (`| head -5` above, and
 * `cat x | xargs rm` is reported as one `read` of `x`). Decide on `script`, and show it.
 */
export type ApprovalRequest =
  | ({
      /** A command wants to run. */
      type: "commandExecution";
      /**
       * The command as the model wrote it, without the runtime's shell wrapper: `"echo hello"` for
       * the `command` `"/bin/bash -lc 'echo hello'"`. Added by the SDK; `null` when the request
       * carries no command (a network approval).
       */
      script: string | null;
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
 * // Accept exactly these commands; decline everything else. `script` is the command as the model
 * // wrote it (`command` is wrapped: "/bin/bash -lc 'git status'").
 * const ALLOWED = ["git status", "ls"];
 * const codex = new AsyncCodex({
 *   onApproval: (request) => (request.type === "commandExecution" && ALLOWED.includes(request.script ?? "") ? "accept" : "decline"),
 * });
 * ```
 */
export type ApprovalHandler = (request: ApprovalRequest, context: ApprovalContext) => ApprovalDecision | Promise<ApprovalDecision>;

/** The {@link ApprovalRequest} the handler gets for the runtime's request `method` with `params`. */
export function approvalRequest(method: ApprovalMethod, params: object): ApprovalRequest {
  const type = APPROVAL_METHODS[method];
  if (type !== "commandExecution") return { type, ...params } as ApprovalRequest;
  return { type, script: unwrapShellCommand((params as CommandExecutionRequestApprovalParams).command), ...params } as ApprovalRequest;
}

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
