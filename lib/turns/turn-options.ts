import { checkFunction, checkObject, checkOptions, checkStringOptions, describe, optionKeys, withoutUndefined } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { CollaborationMode, Personality, ReasoningSummary } from "../protocol/generated/index.js";
import { type ApprovalMode, approvalSettings } from "../server-requests/approval-mode.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import type { CallOptions } from "../session.js";
import { type Sandbox, turnSandboxPolicy } from "../threads/sandbox.js";
import { checkJsonSchema, isValibotSchema, type OutputSchema, valibotToJsonSchema } from "./structured-output.js";

/**
 * A reasoning effort. The pinned runtime takes any non-empty effort its model advertises (its
 * schema: "a non-empty reasoning effort value advertised by the model"; see
 * `codex.models()` → `supportedReasoningEfforts`), so the list stays open; these are the efforts
 * its model catalog and earlier runtimes name.
 */
export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max" | "ultra" | (string & {});

/** Options of `thread.turn()` and `thread.run()`; each omitted one keeps the thread's setting. */
export interface TurnOptions extends CallOptions {
  /** Model for this turn and later ones. */
  model?: string | undefined;
  /** Reasoning effort, e.g. `"high"`; one the model advertises (`codex.models()`). */
  effort?: ReasoningEffort | undefined;
  /** Reasoning summary mode. */
  summary?: ReasoningSummary | undefined;
  /** Working directory for this turn and later ones. */
  cwd?: string | undefined;
  /** Sandbox preset for this turn and later ones. */
  sandbox?: Sandbox | undefined;
  /** Approval preset for this turn and later ones. */
  approvalMode?: ApprovalMode | undefined;
  /**
   * The shape the final response must have: a JSON Schema object, or a valibot schema (converted
   * to JSON Schema, and used to validate and type `TurnResult.output`).
   */
  outputSchema?: OutputSchema | undefined;
  /** The model's personality. */
  personality?: Personality | undefined;
  /** Service tier. */
  serviceTier?: string | undefined;
  /** Decides this turn's approval requests, instead of the client-wide `onApproval`. */
  onApproval?: ApprovalHandler | undefined;
  /** Wall-clock limit of this turn, in ms; overrides the client's `turnTimeoutMs`. */
  turnTimeoutMs?: number | undefined;
  /**
   * Experimental: the collaboration mode for this turn and later ones, e.g. plan mode
   * (`{ mode: "plan", settings: { model, reasoning_effort: null, developer_instructions: null } }`).
   * In plan mode the model may ask the user questions: answer them with an
   * `onServerRequest["item/tool/requestUserInput"]` handler. `codex.collaborationModes()` lists the presets.
   */
  collaborationMode?: CollaborationMode | undefined;
}

const TURN_OPTION_KEYS = optionKeys<TurnOptions>()([
  "signal",
  "trace",
  "model",
  "effort",
  "summary",
  "cwd",
  "sandbox",
  "approvalMode",
  "outputSchema",
  "personality",
  "serviceTier",
  "onApproval",
  "turnTimeoutMs",
  "collaborationMode",
]);

// The runtime silently ignores a turn/start field it does not know, so unknown options fail here.
const TURN_STRING_OPTIONS = ["model", "cwd", "effort", "summary", "personality", "serviceTier"] as const;

/**
 * Wire params of `turn/start` beyond `threadId` and `input`.
 *
 * @throws {InvalidArgumentError} for an unknown option (with a did-you-mean) or a value of the
 *   wrong type, before anything is sent.
 */
export function turnParams(given: TurnOptions | undefined): Record<string, unknown> {
  const options = checkOptions(given, TURN_OPTION_KEYS);
  const { onApproval, sandbox, approvalMode, outputSchema, collaborationMode, turnTimeoutMs, effort } = options;
  if (turnTimeoutMs !== undefined && (typeof turnTimeoutMs !== "number" || !(turnTimeoutMs > 0))) {
    throw new InvalidArgumentError("options.turnTimeoutMs", `must be a positive number, got ${describe(turnTimeoutMs)}`);
  }
  const wireSchema = isValibotSchema(outputSchema) ? valibotToJsonSchema(outputSchema, "options.outputSchema") : outputSchema;
  if (wireSchema !== undefined) checkJsonSchema(wireSchema, "options.outputSchema");
  checkFunction(onApproval, "options.onApproval");
  // The runtime's only rule for an effort: "reasoning_effort must not be empty".
  if (effort === "") throw new InvalidArgumentError("options.effort", "must not be empty (the model's efforts are in codex.models(): supportedReasoningEfforts)");
  return withoutUndefined({
    ...checkStringOptions(options as Record<string, unknown>, TURN_STRING_OPTIONS),
    sandboxPolicy: turnSandboxPolicy(sandbox, "options.sandbox"),
    ...approvalSettings(approvalMode, "options.approvalMode"),
    outputSchema: wireSchema,
    collaborationMode: collaborationMode === undefined ? undefined : checkCollaborationMode(collaborationMode),
  });
}

/** Checks the shape of a collaboration mode: the runtime rejects a malformed one only as "Invalid request". */
function checkCollaborationMode(value: unknown): CollaborationMode {
  checkObject(value, "options.collaborationMode");
  const { mode, settings } = value;
  if (mode !== "plan" && mode !== "default") throw new InvalidArgumentError("options.collaborationMode.mode", `must be "plan" or "default", got ${describe(mode)}`);
  checkObject(settings, "options.collaborationMode.settings");
  if (typeof settings.model !== "string" || settings.model === "") throw new InvalidArgumentError("options.collaborationMode.settings.model", `must be a non-empty string, got ${describe(settings.model)}`);
  return value as CollaborationMode;
}
