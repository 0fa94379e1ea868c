import { checkObject, checkStringOptions, describe, withoutUndefined } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { JsonValue } from "../protocol/generated/serde_json/JsonValue.js";
import type { Personality } from "../protocol/generated/index.js";
import { type ApprovalMode, approvalSettings } from "../server-requests/approval-mode.js";
import type { CallOptions } from "../session.js";
import type { ToolEntry } from "../tools/tool-set.js";
import { type Sandbox, threadSandbox } from "./sandbox.js";

/** Options of `threadStart`, `threadResume` and `threadFork`; each omitted one keeps the runtime's setting. */
export interface ThreadOptions extends CallOptions {
  /** Model to use, e.g. `"gpt-5.1-codex"`. */
  model?: string;
  /** Model provider id from the runtime's config. */
  modelProvider?: string;
  /** Working directory of the thread. */
  cwd?: string;
  /** Sandbox preset; see {@link Sandbox}. */
  sandbox?: Sandbox;
  /** Approval preset; see {@link ApprovalMode}. `threadStart` defaults to `ApprovalMode.autoReview`. */
  approvalMode?: ApprovalMode;
  /** Replaces the model's base instructions. */
  baseInstructions?: string;
  /** Adds developer instructions. */
  developerInstructions?: string;
  /** Config overrides for this thread, as the runtime's `config.toml` keys. */
  config?: Record<string, JsonValue>;
  /** An ephemeral thread is not persisted (cannot be resumed). */
  ephemeral?: boolean;
  /** The model's personality. */
  personality?: Personality;
  /** Service tier, e.g. `"flex"`. */
  serviceTier?: string;
  /**
   * Client-side tools (made by `tool()`) and namespaces of them, which the agent can call; see
   * "Client-side tools" in the README. Declared at `threadStart`, where the set is fixed for good;
   * `threadResume` and `threadFork` attach implementations to the stored set (names must match).
   */
  tools?: readonly ToolEntry[];
}

// Separate lists because thread/start and turn/start take different fields: the runtime silently
// ignores a field it does not know, so `threadStart({ effort })` must fail here instead.
const THREAD_STRING_OPTIONS = ["model", "modelProvider", "cwd", "baseInstructions", "developerInstructions", "personality", "serviceTier"] as const;

/** Wire params for a thread call; `defaults` fill in what `options` omits. */
export function threadParams(options: ThreadOptions, defaults: Pick<ThreadOptions, "approvalMode"> = {}): Record<string, unknown> {
  checkObject(options, "options");
  const { signal: _signal, tools: _tools, sandbox, approvalMode = defaults.approvalMode, config, ephemeral, ...rest } = options;
  if (config !== undefined) checkObject(config, "options.config");
  if (ephemeral !== undefined && typeof ephemeral !== "boolean") throw new InvalidArgumentError("options.ephemeral", `must be a boolean, got ${describe(ephemeral)}`);
  return withoutUndefined({
    ...checkStringOptions(rest, THREAD_STRING_OPTIONS),
    sandbox: threadSandbox(sandbox, "options.sandbox"),
    ...approvalSettings(approvalMode, "options.approvalMode"),
    config,
    ephemeral,
  });
}
