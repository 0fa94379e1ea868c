import { checkObject, checkStringOptions, describe, withoutUndefined } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { JsonValue } from "../protocol/generated/serde_json/JsonValue.js";
import type { Personality } from "../protocol/generated/index.js";
import type { ThreadStartSource } from "../protocol/generated/v2/index.js";
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
  /** `threadStart` only: the name of the service using the thread, recorded with it. */
  serviceName?: string;
  /** `threadStart` only: why the thread starts (`"startup"` or `"clear"`), recorded with it. */
  sessionStartSource?: ThreadStartSource;
  /** `threadStart` and `threadFork`: where the thread comes from (a free-form label), recorded with it. */
  threadSource?: string;
  /**
   * `threadStart` only (experimental): the runtime also streams raw model events
   * (`rawResponseItem/completed`) for this thread.
   */
  experimentalRawEvents?: boolean;
  /** `threadResume` and `threadFork` (experimental): the rollout file to load the thread from, instead of looking its id up in `CODEX_HOME`. */
  path?: string;
}

/** Which thread call the options are for: some options apply to only one or two of them. */
export type ThreadCall = "threadStart" | "threadResume" | "threadFork";

const CALL_OPTIONS: Record<string, readonly ThreadCall[]> = {
  ephemeral: ["threadStart", "threadFork"],
  serviceName: ["threadStart"],
  sessionStartSource: ["threadStart"],
  experimentalRawEvents: ["threadStart"],
  threadSource: ["threadStart", "threadFork"],
  path: ["threadResume", "threadFork"],
};

// Separate lists because thread/start and turn/start take different fields: the runtime silently
// ignores a field it does not know, so `threadStart({ effort })` must fail here instead.
const THREAD_STRING_OPTIONS = [
  "model",
  "modelProvider",
  "cwd",
  "baseInstructions",
  "developerInstructions",
  "personality",
  "serviceTier",
  "serviceName",
  "sessionStartSource",
  "threadSource",
  "path",
] as const;

/** Wire params for a thread call; `defaults` fill in what `options` omits. */
export function threadParams(options: ThreadOptions, defaults: Pick<ThreadOptions, "approvalMode"> = {}, call: ThreadCall = "threadStart"): Record<string, unknown> {
  checkObject(options, "options");
  for (const [option, calls] of Object.entries(CALL_OPTIONS)) {
    if (options[option as keyof ThreadOptions] !== undefined && !calls.includes(call)) throw new InvalidArgumentError(`options.${option}`, `applies to ${calls.join(" and ")} only`);
  }
  const { signal: _signal, trace: _trace, tools: _tools, sandbox, approvalMode = defaults.approvalMode, config, ephemeral, experimentalRawEvents, ...rest } = options;
  if (config !== undefined) checkObject(config, "options.config");
  if (ephemeral !== undefined && typeof ephemeral !== "boolean") throw new InvalidArgumentError("options.ephemeral", `must be a boolean, got ${describe(ephemeral)}`);
  if (experimentalRawEvents !== undefined && typeof experimentalRawEvents !== "boolean") {
    throw new InvalidArgumentError("options.experimentalRawEvents", `must be a boolean, got ${describe(experimentalRawEvents)}`);
  }
  return withoutUndefined({
    ...checkStringOptions(rest, THREAD_STRING_OPTIONS),
    sandbox: threadSandbox(sandbox, "options.sandbox"),
    ...approvalSettings(approvalMode, "options.approvalMode"),
    config,
    ephemeral,
    experimentalRawEvents,
  });
}
