import { checkOptions, checkStringOptions, describe, optionKeys, withoutUndefined } from "../arguments.js";
import { checkConfigValues } from "../client/config-overrides.js";
import { InvalidArgumentError } from "../errors.js";
import type { JsonValue } from "../protocol/generated/serde_json/JsonValue.js";
import type { Personality } from "../protocol/generated/index.js";
import type { ThreadListParams, ThreadStartSource } from "../protocol/generated/v2/index.js";
import { type ApprovalMode, approvalSettings } from "../server-requests/approval-mode.js";
import type { CallOptions } from "../session.js";
import type { ToolEntry } from "../tools/tool-set.js";
import { type Sandbox, threadSandbox } from "./sandbox.js";

/** Options of `threadStart`, `threadResume` and `threadFork`; each omitted one keeps the runtime's setting. */
export interface ThreadOptions extends CallOptions {
  /** Model to use, e.g. `"gpt-5.1-codex"`. */
  model?: string | undefined;
  /** Model provider id from the runtime's config. */
  modelProvider?: string | undefined;
  /** Working directory of the thread. */
  cwd?: string | undefined;
  /** Sandbox preset; see {@link Sandbox}. */
  sandbox?: Sandbox | undefined;
  /** Approval preset; see {@link ApprovalMode}. `threadStart` defaults to `ApprovalMode.autoReview`. */
  approvalMode?: ApprovalMode | undefined;
  /** Replaces the model's base instructions. */
  baseInstructions?: string | undefined;
  /** Adds developer instructions. */
  developerInstructions?: string | undefined;
  /**
   * Config overrides for this thread, as the runtime's `config.toml` keys: nested objects, or dotted
   * keys (`{ "features.apps": false }`). Values must be TOML-expressible (no `null`), as for the
   * client's `config`.
   */
  config?: Record<string, JsonValue> | undefined;
  /** An ephemeral thread is not persisted (cannot be resumed). */
  ephemeral?: boolean | undefined;
  /** The model's personality. */
  personality?: Personality | undefined;
  /** Service tier, e.g. `"flex"`. */
  serviceTier?: string | undefined;
  /**
   * Client-side tools (made by `tool()`) and namespaces of them, which the agent can call; see
   * "Client-side tools" in the README. Declared at `threadStart`, where the set is fixed for good;
   * `threadResume` and `threadFork` attach implementations to the stored set (names must match).
   */
  tools?: readonly ToolEntry[] | undefined;
  /** `threadStart` only: the name of the service using the thread, recorded with it. */
  serviceName?: string | undefined;
  /** `threadStart` only: why the thread starts (`"startup"` or `"clear"`), recorded with it. */
  sessionStartSource?: ThreadStartSource | undefined;
  /** `threadStart` and `threadFork`: where the thread comes from (a free-form label), recorded with it. */
  threadSource?: string | undefined;
  /**
   * `threadStart` only (experimental): the runtime also streams raw model events
   * (`rawResponseItem/completed`) for this thread.
   */
  experimentalRawEvents?: boolean | undefined;
  /** `threadResume` and `threadFork` (experimental): the rollout file to load the thread from, instead of looking its id up in `CODEX_HOME`. */
  path?: string | undefined;
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

const THREAD_OPTION_KEYS = optionKeys<ThreadOptions>()([
  "signal",
  "trace",
  "model",
  "modelProvider",
  "cwd",
  "sandbox",
  "approvalMode",
  "baseInstructions",
  "developerInstructions",
  "config",
  "ephemeral",
  "personality",
  "serviceTier",
  "tools",
  "serviceName",
  "sessionStartSource",
  "threadSource",
  "experimentalRawEvents",
  "path",
]);

/**
 * Wire params for a thread call; `defaults` fill in what `options` omits.
 *
 * @throws {InvalidArgumentError} for an unknown option (with a did-you-mean), a value of the wrong
 *   type, or a `config` value TOML cannot express, before anything is sent.
 */
export function threadParams(given: ThreadOptions | undefined, defaults: Pick<ThreadOptions, "approvalMode"> = {}, call: ThreadCall = "threadStart"): Record<string, unknown> {
  const options = checkOptions(given, THREAD_OPTION_KEYS);
  for (const [option, calls] of Object.entries(CALL_OPTIONS)) {
    if (options[option as keyof ThreadOptions] !== undefined && !calls.includes(call)) throw new InvalidArgumentError(`options.${option}`, `applies to ${calls.join(" and ")} only`);
  }
  const { sandbox, approvalMode = defaults.approvalMode, config, ephemeral, experimentalRawEvents } = options;
  if (config !== undefined) checkConfigValues(config, "options.config");
  if (ephemeral !== undefined && typeof ephemeral !== "boolean") throw new InvalidArgumentError("options.ephemeral", `must be a boolean, got ${describe(ephemeral)}`);
  if (experimentalRawEvents !== undefined && typeof experimentalRawEvents !== "boolean") {
    throw new InvalidArgumentError("options.experimentalRawEvents", `must be a boolean, got ${describe(experimentalRawEvents)}`);
  }
  return withoutUndefined({
    ...checkStringOptions(options as Record<string, unknown>, THREAD_STRING_OPTIONS),
    sandbox: threadSandbox(sandbox, "options.sandbox"),
    ...approvalSettings(approvalMode, "options.approvalMode"),
    config,
    ephemeral,
    experimentalRawEvents,
  });
}

/**
 * Filters of `threadList`: the wire's `thread/list` params (`archived`, `limit`, `cursor`,
 * `searchTerm`, …), each optional, and a `signal`.
 */
export type ThreadListOptions = CallOptions & { [K in keyof ThreadListParams]?: ThreadListParams[K] | undefined };

const THREAD_LIST_KEYS = optionKeys<ThreadListOptions>()([
  "signal",
  "trace",
  "includeAttachedThreads",
  "currentAccountOnly",
  "cursor",
  "limit",
  "excludedThreadIds",
  "sortKey",
  "sortDirection",
  "modelProviders",
  "sourceKinds",
  "originators",
  "archived",
  "sectionId",
  "projectId",
  "cwd",
  "useStateDbOnly",
  "searchTerm",
  "parentThreadId",
  "ancestorThreadId",
  "attachedToThreadId",
]);

/**
 * Wire params of `thread/list`; values are passed on as given, for the runtime to check.
 *
 * @throws {InvalidArgumentError} for an unknown filter (with a did-you-mean).
 */
export function threadListParams(given: ThreadListOptions | undefined): Record<string, unknown> {
  const { signal: _signal, trace: _trace, ...filters } = checkOptions(given, THREAD_LIST_KEYS);
  return withoutUndefined(filters);
}

/** The thread id of a call, once it is a non-empty string. */
export function checkThreadId(threadId: unknown): string {
  if (typeof threadId !== "string" || threadId.trim() === "") throw new InvalidArgumentError("threadId", `must be a non-empty string, got ${describe(threadId)}`);
  return threadId;
}
