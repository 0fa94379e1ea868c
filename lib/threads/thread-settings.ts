import { checkKnownKeys, checkObject, describe, withoutUndefined } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { CollaborationMode, Personality, ReasoningEffort, ReasoningSummary } from "../protocol/generated/index.js";
import type { ThreadMetadataUpdateParams } from "../protocol/generated/v2/index.js";
import { type ApprovalMode, approvalSettings } from "../server-requests/approval-mode.js";
import type { CallOptions } from "../session.js";
import { type Sandbox, turnSandboxPolicy } from "./sandbox.js";

/** Settings for a thread's later turns, changed without starting one (`thread.updateSettings()`); each omitted one is kept. */
export interface ThreadSettings {
  /** Model of later turns. */
  model?: string;
  /** Reasoning effort. */
  effort?: ReasoningEffort;
  /** Reasoning summary mode. */
  summary?: ReasoningSummary;
  /** Working directory of later turns. */
  cwd?: string;
  /** Sandbox preset. */
  sandbox?: Sandbox;
  /** Approval preset. */
  approvalMode?: ApprovalMode;
  /** Service tier. */
  serviceTier?: string;
  /** The model's personality. */
  personality?: Personality;
  /** Collaboration mode, e.g. plan mode (see `TurnOptions.collaborationMode`). */
  collaborationMode?: CollaborationMode;
}

const SETTINGS = ["model", "effort", "summary", "cwd", "sandbox", "approvalMode", "serviceTier", "personality", "collaborationMode"];
const STRING_SETTINGS = ["model", "effort", "summary", "cwd", "serviceTier", "personality"] as const;

/** Wire params of `thread/settings/update` beyond `threadId`. */
export function settingsParams(settings: ThreadSettings): Record<string, unknown> {
  checkObject(settings, "settings");
  checkKnownKeys(settings, SETTINGS, "settings");
  for (const key of STRING_SETTINGS) {
    const value = settings[key];
    if (value !== undefined && (typeof value !== "string" || value === "")) throw new InvalidArgumentError(`settings.${key}`, `must be a non-empty string, got ${describe(value)}`);
  }
  if (settings.collaborationMode !== undefined) checkObject(settings.collaborationMode, "settings.collaborationMode");
  const { sandbox, approvalMode, ...rest } = settings;
  const params = withoutUndefined({ ...rest, sandboxPolicy: turnSandboxPolicy(sandbox, "settings.sandbox"), ...approvalSettings(approvalMode, "settings.approvalMode") });
  if (Object.keys(params).length === 0) throw new InvalidArgumentError("settings", "must change at least one setting");
  return params;
}

/** Metadata `thread.updateMetadata()` changes; see the wire's `ThreadMetadataUpdateParams`. */
export type ThreadMetadata = Omit<ThreadMetadataUpdateParams, "threadId">;

/** Wire params of `thread/metadata/update` beyond `threadId`. */
export function metadataParams(metadata: ThreadMetadata): Record<string, unknown> {
  checkObject(metadata, "metadata");
  checkKnownKeys(metadata, ["projectId", "gitInfo", "daybreakEnabled"], "metadata");
  if (Object.keys(withoutUndefined(metadata)).length === 0) throw new InvalidArgumentError("metadata", "must change at least one field (projectId, gitInfo, daybreakEnabled)");
  return withoutUndefined(metadata);
}

/** Options of `thread.revert()`. */
export interface RevertOptions extends CallOptions {
  /** The first turn to drop: it and every later turn leave the thread's history. */
  beforeTurnId: string;
}
