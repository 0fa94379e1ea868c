import * as v from "valibot";
import type { CodexError } from "../errors.js";
import type { DynamicToolCallParams, DynamicToolCallResponse } from "../protocol/generated/v2/index.js";
import type { ServerRequestOutcome } from "../protocol/notification.js";
import { redactedPreview, redactSecrets } from "../redact.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import { failureResponse, toContentItems } from "./answer.js";
import type { ThreadTools } from "./thread-tools.js";
import { acquireSlot, type Tool } from "./tool.js";
import { ToolCallError, type ToolCallFailure } from "./tool-call-error.js";
import { qualifiedName } from "./tool-set.js";

/** How a tool call was answered: what the runtime gets, and what the turn's stream shows. */
export interface ToolCallAnswer {
  /** As in `sdk/serverRequest/answered`. */
  outcome: ServerRequestOutcome;
  /** The reply: always a result, never a JSON-RPC error, so the model can read why a call failed. */
  response: DynamicToolCallResponse;
  /** Why the call produced no result, or `null`. */
  error: string | null;
}

/** What {@link ToolCalls} needs from its connection. */
export interface ToolCallsOptions {
  /** The implementations attached to each thread. */
  threads: ThreadTools;
  /** The approval handler for a call of the turn (the turn's own, else the client's). */
  approvalHandler(threadId: string, turnId: string): ApprovalHandler | undefined;
  /** Interrupts a turn (for an approval answered `"cancel"`). */
  interrupt(threadId: string, turnId: string): Promise<unknown>;
  /** Receives every failed call as a {@link ToolCallError}. */
  onError(error: CodexError): void;
}

/** Longest quote of a thrown error's message the model gets. */
const MAX_REASON_LENGTH = 1000;

/**
 * Answers `item/tool/call` by running the thread's tool: arguments validated, approval asked when
 * the tool wants it, the tool's `concurrency` and `timeoutMs` applied, the result converted. Every
 * failure is answered with a text that says why and `success: false`, never with an error reply
 * (which the model would read as a bare "dynamic tool request failed").
 */
export class ToolCalls {
  readonly #options: ToolCallsOptions;
  /** Tools approved `"acceptForSession"`, by thread and qualified name. */
  readonly #approved = new Set<string>();

  constructor(options: ToolCallsOptions) {
    this.#options = options;
  }

  /** True when the client attached tools to the thread, so its calls are answered here. */
  handles(threadId: string | undefined): boolean {
    return threadId !== undefined && this.#options.threads.get(threadId) !== undefined;
  }

  /**
   * Runs the call. Never rejects. `signal` aborts when the answer is moot (turn ended, runtime
   * gone): the running `execute`'s signal then aborts too.
   */
  async answer(params: DynamicToolCallParams, signal: AbortSignal): Promise<ToolCallAnswer> {
    const { threadId, turnId, callId, tool: name } = params;
    const namespace = params.namespace ?? null;
    const shown = qualifiedName(namespace, name);
    const fail = (reason: ToolCallFailure, outcome: ServerRequestOutcome, text: string, more: { issues?: Array<{ path: string; message: string }>; cause?: unknown } = {}): ToolCallAnswer => {
      const message = redactSecrets(text);
      this.#options.onError(new ToolCallError(message, { reason, tool: name, namespace, threadId, turnId, callId, issues: more.issues }, { cause: more.cause }));
      return { outcome, response: failureResponse(message), error: message };
    };
    const set = this.#options.threads.get(threadId);
    const made = set?.find(namespace, name);
    if (!made) {
      const known = set ? ` It has: ${set.names.join(", ")}.` : "";
      return fail("unknownTool", "noHandler", `Tool ${shown} is not available: the client has no implementation of it for this thread.${known}`);
    }
    let parsed: v.SafeParseResult<v.GenericSchema>;
    try {
      parsed = await v.safeParseAsync(made.parameters, params.arguments);
    } catch (error) {
      return fail("failed", "failed", `Tool ${shown} failed while checking its arguments: ${reasonOf(error)}`, { cause: error });
    }
    if (!parsed.success) {
      const issues = parsed.issues.map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
      const listed = issues.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join("; ");
      return fail("invalidArguments", "failed", `Tool ${shown} was not run: its arguments do not match its parameters (${listed}). Call it again with valid arguments.`, { issues });
    }
    if (made.needsApproval) {
      const refusal = await this.#approve(params, shown, signal, fail);
      if (refusal) return refusal;
    }
    return this.#run(made, parsed.output, params, shown, signal, fail);
  }

  /** Asks for approval; `undefined` when the call may run, else the answer refusing it. Fails closed. */
  async #approve(params: DynamicToolCallParams, shown: string, signal: AbortSignal, fail: FailureReply): Promise<ToolCallAnswer | undefined> {
    const { threadId, turnId } = params;
    const key = `${threadId}\u0000${shown}`;
    if (this.#approved.has(key)) return undefined;
    const handler = this.#options.approvalHandler(threadId, turnId);
    if (!handler) return fail("notApproved", "noHandler", `Tool ${shown} was not run: it needs the user's approval, and the client has no onApproval handler to ask.`);
    let decision: unknown;
    try {
      decision = await handler({ type: "toolCall", ...params }, { signal });
    } catch (error) {
      return fail("notApproved", "failed", `Tool ${shown} was not run: asking for approval failed (${reasonOf(error)}).`, { cause: error });
    }
    if (decision === "accept") return undefined;
    if (decision === "acceptForSession") {
      this.#approved.add(key);
      return undefined;
    }
    if (decision === "cancel") this.#options.interrupt(threadId, turnId).catch((error: CodexError) => this.#options.onError(error));
    else if (decision !== "decline") return fail("notApproved", "failed", `Tool ${shown} was not run: onApproval returned ${JSON.stringify(decision) ?? "undefined"}, not a decision.`);
    return { outcome: "handled", response: failureResponse(`Tool ${shown} was not run: the user declined it.`), error: null };
  }

  /** Runs `execute` in a slot of the tool's limit, bounded by its timeout and by `signal`. */
  async #run(made: Tool, args: unknown, params: DynamicToolCallParams, shown: string, signal: AbortSignal, fail: FailureReply): Promise<ToolCallAnswer> {
    const moot: ToolCallAnswer = { outcome: "cancelled", response: failureResponse(`Tool ${shown} was cancelled.`), error: "cancelled" };
    let release: () => void;
    try {
      release = await acquireSlot(made, signal);
    } catch {
      return moot;
    }
    if (signal.aborted) {
      release();
      return moot;
    }
    const run = new AbortController();
    const forward = (): void => run.abort(signal.reason);
    signal.addEventListener("abort", forward, { once: true });
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const stopped = new Promise<never>((_resolve, reject) => run.signal.addEventListener("abort", () => reject(run.signal.reason), { once: true }));
    stopped.catch(() => {});
    if (made.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        run.abort(new Error(`tool ${shown} timed out after ${made.timeoutMs} ms`));
      }, made.timeoutMs);
    }
    const { threadId, turnId, callId } = params;
    // The slot stays taken until `execute` really ends, even if its answer was given up on.
    const running = Promise.resolve().then(() => made.execute(args, { signal: run.signal, threadId, turnId, callId }));
    running.then(release, release);
    try {
      const value = await Promise.race([running, stopped]);
      try {
        return { outcome: "handled", response: { contentItems: toContentItems(value), success: true }, error: null };
      } catch (error) {
        return fail("invalidOutput", "failed", `Tool ${shown} returned a result that cannot be sent: ${reasonOf(error)}.`, { cause: error });
      }
    } catch (error) {
      if (signal.aborted) return moot;
      if (timedOut) return fail("timedOut", "timedOut", `Tool ${shown} did not finish within ${made.timeoutMs} ms and was stopped. It may work if called again, or the task may need another approach.`);
      return fail("failed", "failed", `Tool ${shown} failed: ${reasonOf(error)}`, { cause: error });
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", forward);
    }
  }
}

type FailureReply = (reason: ToolCallFailure, outcome: ServerRequestOutcome, text: string, more?: { cause?: unknown }) => ToolCallAnswer;

/** A thrown value's message, redacted, then cut to a length the model is happy to read. */
function reasonOf(error: unknown): string {
  return redactedPreview(error instanceof Error ? `${error.name === "Error" ? "" : `${error.name}: `}${error.message}` : String(error), MAX_REASON_LENGTH);
}
