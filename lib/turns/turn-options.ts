import { checkObject, checkStringOptions, describe, withoutUndefined } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { CollaborationMode, Personality, ReasoningEffort, ReasoningSummary } from "../protocol/generated/index.js";
import { type ApprovalMode, approvalSettings } from "../server-requests/approval-mode.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import type { CallOptions } from "../session.js";
import { type Sandbox, turnSandboxPolicy } from "../threads/sandbox.js";
import { checkJsonSchema, isValibotSchema, type OutputSchema, valibotToJsonSchema } from "./structured-output.js";

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
  /** Wall-clock limit of this turn, in ms; overrides the client's `turnTimeoutMs`. */
  turnTimeoutMs?: number;
  /**
   * Experimental: the collaboration mode for this turn and later ones, e.g. plan mode
   * (`{ mode: "plan", settings: { model, reasoning_effort: null, developer_instructions: null } }`).
   * In plan mode the model may ask the user questions: answer them with an
   * `onServerRequest["item/tool/requestUserInput"]` handler. `codex.collaborationModes()` lists the presets.
   */
  collaborationMode?: CollaborationMode;
}

// The runtime silently ignores a turn/start field it does not know, so unknown options fail here.
const TURN_STRING_OPTIONS = ["model", "cwd", "effort", "summary", "personality", "serviceTier"] as const;

/** Wire params of `turn/start` beyond `threadId` and `input`. */
export function turnParams(options: TurnOptions): Record<string, unknown> {
  checkObject(options, "options");
  const { signal: _signal, trace: _trace, onApproval, sandbox, approvalMode, outputSchema, collaborationMode, turnTimeoutMs, ...rest } = options;
  if (turnTimeoutMs !== undefined && (typeof turnTimeoutMs !== "number" || !(turnTimeoutMs > 0))) {
    throw new InvalidArgumentError("options.turnTimeoutMs", `must be a positive number, got ${describe(turnTimeoutMs)}`);
  }
  const wireSchema = isValibotSchema(outputSchema) ? valibotToJsonSchema(outputSchema, "options.outputSchema") : outputSchema;
  if (wireSchema !== undefined) checkJsonSchema(wireSchema, "options.outputSchema");
  if (onApproval !== undefined && typeof onApproval !== "function") throw new InvalidArgumentError("options.onApproval", `must be a function, got ${describe(onApproval)}`);
  return withoutUndefined({
    ...checkStringOptions(rest, TURN_STRING_OPTIONS),
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
