import { InvalidArgumentError } from "../errors.js";
import type { ApprovalsReviewer, AskForApproval } from "../protocol/generated/v2/index.js";
import { describe } from "../arguments.js";

/**
 * Approval presets: who decides whether the runtime may run a command or apply a change that
 * needs approval. `threadStart` defaults to `autoReview`; resume, fork and turns keep the stored
 * setting unless given one.
 *
 * @example
 * ```ts
 * const thread = await codex.threadStart({ approvalMode: ApprovalMode.denyAll });
 * ```
 */
export const ApprovalMode = {
  /** Never ask: anything needing approval is refused (`approvalPolicy: "never"`). */
  denyAll: "denyAll",
  /** The runtime's own reviewer decides (`"on-request"` + `approvalsReviewer: "auto_review"`). */
  autoReview: "autoReview",
  /**
   * Your `onApproval` decides when the model asks for escalated permissions
   * (`"on-request"` + `approvalsReviewer: "user"`). Without a handler, the SDK declines.
   */
  askUser: "askUser",
  /**
   * Your `onApproval` decides every command not known to be safe (`"untrusted"` + reviewer
   * `"user"`). Without a handler, the SDK declines.
   */
  untrusted: "untrusted",
} as const;

/** One of the {@link ApprovalMode} presets. */
export type ApprovalMode = (typeof ApprovalMode)[keyof typeof ApprovalMode];

/** The wire fields an approval mode sets. */
export interface ApprovalSettings {
  approvalPolicy?: AskForApproval;
  approvalsReviewer?: ApprovalsReviewer;
}

const SETTINGS: Record<ApprovalMode, ApprovalSettings> = {
  denyAll: { approvalPolicy: "never" },
  autoReview: { approvalPolicy: "on-request", approvalsReviewer: "auto_review" },
  askUser: { approvalPolicy: "on-request", approvalsReviewer: "user" },
  untrusted: { approvalPolicy: "untrusted", approvalsReviewer: "user" },
};

/** Maps an approval mode to its wire fields; `undefined` sends nothing. */
export function approvalSettings(mode: unknown, argument: string): ApprovalSettings {
  if (mode === undefined) return {};
  if (typeof mode === "string" && Object.hasOwn(SETTINGS, mode)) return { ...SETTINGS[mode as ApprovalMode] };
  throw new InvalidArgumentError(argument, `must be one of ${Object.keys(SETTINGS).map((key) => `ApprovalMode.${key}`).join(", ")}; got ${describe(mode)}`);
}
