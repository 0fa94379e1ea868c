import { InvalidArgumentError } from "../errors.js";
import type { JsonValue } from "../protocol/generated/serde_json/JsonValue.js";
import type { Personality, ReasoningEffort, ReasoningSummary } from "../protocol/generated/index.js";
import { type ApprovalMode, approvalSettings } from "../server-requests/approval-mode.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import { describe } from "../turns/inputs.js";
import { isValibotSchema, type OutputSchema, valibotToJsonSchema } from "../turns/structured-output.js";
import { type Sandbox, threadSandbox, turnSandboxPolicy } from "./sandbox.js";
import type { CallOptions } from "../client/session.js";

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
}

/** Options of `thread.turn()` and `thread.run()`; each omitted one keeps the thread's setting. */
export interface TurnOptions extends CallOptions {
  /** Model for this turn and later ones. */
  model?: string;
  /** Reasoning effort. */
  effort?: ReasoningEffort;
  /** Reasoning summary mode. */
  summary?: ReasoningSummary;
  /** Working directory for this turn and later ones. */
  cwd?: string;
  /** Sandbox preset for this turn and later ones. */
  sandbox?: Sandbox;
  /** Approval preset for this turn and later ones. */
  approvalMode?: ApprovalMode;
  /**
   * The shape the final response must have: a JSON Schema object, or a valibot schema (converted
   * to JSON Schema, and used to validate and type `TurnResult.output`).
   */
  outputSchema?: OutputSchema;
  /** The model's personality. */
  personality?: Personality;
  /** Service tier. */
  serviceTier?: string;
  /** Decides this turn's approval requests, instead of the client-wide `onApproval`. */
  onApproval?: ApprovalHandler;
}

// Separate lists because thread/start and turn/start take different fields: the runtime silently
// ignores a field it does not know, so `threadStart({ effort })` must fail here instead.
const THREAD_STRING_OPTIONS = ["model", "modelProvider", "cwd", "baseInstructions", "developerInstructions", "personality", "serviceTier"] as const;
const TURN_STRING_OPTIONS = ["model", "cwd", "effort", "summary", "personality", "serviceTier"] as const;

/** Wire params for a thread call; `defaults` fill in what `options` omits. */
export function threadParams(options: ThreadOptions, defaults: Pick<ThreadOptions, "approvalMode"> = {}): Record<string, unknown> {
  checkObject(options, "options");
  const { signal: _signal, sandbox, approvalMode = defaults.approvalMode, config, ephemeral, ...rest } = options;
  if (config !== undefined) checkObject(config, "options.config");
  if (ephemeral !== undefined && typeof ephemeral !== "boolean") throw new InvalidArgumentError("options.ephemeral", `must be a boolean, got ${describe(ephemeral)}`);
  return withoutUndefined({
    ...checkStrings(rest, THREAD_STRING_OPTIONS),
    sandbox: threadSandbox(sandbox, "options.sandbox"),
    ...approvalSettings(approvalMode, "options.approvalMode"),
    config,
    ephemeral,
  });
}

/** Wire params of `turn/start` beyond `threadId` and `input`. */
export function turnParams(options: TurnOptions): Record<string, unknown> {
  checkObject(options, "options");
  const { signal: _signal, onApproval, sandbox, approvalMode, outputSchema, ...rest } = options;
  const wireSchema = isValibotSchema(outputSchema) ? valibotToJsonSchema(outputSchema, "options.outputSchema") : outputSchema;
  if (wireSchema !== undefined) checkJsonSchema(wireSchema, "options.outputSchema");
  if (onApproval !== undefined && typeof onApproval !== "function") throw new InvalidArgumentError("options.onApproval", `must be a function, got ${describe(onApproval)}`);
  return withoutUndefined({
    ...checkStrings(rest, TURN_STRING_OPTIONS),
    sandboxPolicy: turnSandboxPolicy(sandbox, "options.sandbox"),
    ...approvalSettings(approvalMode, "options.approvalMode"),
    outputSchema: wireSchema,
  });
}

function checkStrings(options: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) throw new InvalidArgumentError(`options.${key}`, "is not a known option");
    if (value !== undefined && typeof value !== "string") throw new InvalidArgumentError(`options.${key}`, `must be a string, got ${describe(value)}`);
  }
  return options;
}

/**
 * Catches schemas the runtime would pass on to the model unchecked, where they fail the turn
 * later: not an object, or a `type`, `properties`, `required` or `items` of the wrong kind, at any depth.
 */
function checkJsonSchema(schema: unknown, argument: string): void {
  checkObject(schema, argument);
  const { type, properties, required, items } = schema as Record<string, unknown>;
  const isTypeName = (value: unknown): boolean => typeof value === "string" && JSON_SCHEMA_TYPES.includes(value);
  if (type !== undefined && !isTypeName(type) && !(Array.isArray(type) && type.every(isTypeName))) {
    throw new InvalidArgumentError(`${argument}.type`, `must be one of ${JSON_SCHEMA_TYPES.join(", ")} (or an array of them), got ${describe(type)}`);
  }
  if (required !== undefined && !(Array.isArray(required) && required.every((name) => typeof name === "string"))) {
    throw new InvalidArgumentError(`${argument}.required`, `must be an array of property names, got ${describe(required)}`);
  }
  if (properties !== undefined) {
    checkObject(properties, `${argument}.properties`);
    for (const [name, property] of Object.entries(properties as object)) checkJsonSchema(property, `${argument}.properties.${name}`);
  }
  if (items !== undefined && typeof items !== "boolean") checkJsonSchema(items, `${argument}.items`);
}

const JSON_SCHEMA_TYPES: readonly string[] = ["object", "array", "string", "number", "integer", "boolean", "null"];

function checkObject(value: unknown, argument: string): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, `must be an object, got ${describe(value)}`);
  }
}

function withoutUndefined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}
