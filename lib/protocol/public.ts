/**
 * The runtime's wire protocol as the SDK's public API exposes it, `import type { protocol } from
 * "codex-app-sdk"`: every v2 type, and the root-level types the SDK's own signatures reach
 * (`ServerRequest`, `ServerNotification`, `Personality`, `ReasoningSummary`, the legacy approvals,
 * and what they reference). Re-exports only: the generated files stay as generated.
 *
 * @module
 */
export type * from "./generated/v2/index.js";
export type {
  ApplyPatchApprovalParams,
  ApplyPatchApprovalResponse,
  ExecCommandApprovalParams,
  ExecCommandApprovalResponse,
  FileChange,
  FuzzyFileSearchMatchType,
  FuzzyFileSearchResult,
  FuzzyFileSearchSessionCompletedNotification,
  FuzzyFileSearchSessionUpdatedNotification,
  ParsedCommand,
  Personality,
  ReasoningSummary,
  RequestId,
  ReviewDecision,
  ServerNotification,
  ServerRequest,
  ThreadId,
} from "./generated/index.js";
export type { JsonValue } from "./generated/serde_json/JsonValue.js";
