/**
 * Reviews (`review/start`) as turn handles. A review differs from a turn in ways a caller should
 * not have to know: its `turn/started` carries the reviewer's own (child) turn id with
 * `rootTurnId` = the review's id, `turn/interrupt` must name that child id, no deltas stream, and
 * the review text arrives in the `exitedReviewMode` item.
 *
 * @module
 */
import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { ReviewStartResponse, ReviewTarget, ThreadItem } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { ReviewStartResponseSchema, validate } from "../protocol/schemas.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import type { RpcChannel } from "../rpc/peer.js";
import type { CallOptions, Session, TurnStartOptions } from "../session.js";
import { TurnHandle } from "./turn-handle.js";
import { finalResponse } from "./turn-result.js";
import type { TurnRouter } from "./turn-router.js";
import { TurnStream, type TurnStreamOptions } from "./turn-stream.js";

/** Options of `thread.review()`. */
export interface ReviewOptions extends CallOptions {
  /** How the review is delivered; the pinned runtime knows only `"inline"` (on the same thread), the default. */
  delivery?: "inline";
  /** Decides the reviewer's approval requests, instead of the client-wide `onApproval`. */
  onApproval?: ApprovalHandler;
}

const REVIEW_OPTIONS = ["signal", "trace", "delivery", "onApproval"];

/**
 * Checks a review target and options and returns the `review/start` params.
 *
 * @throws {InvalidArgumentError} naming what is wrong, before anything is sent.
 */
export function reviewParams(threadId: string, target: unknown, options: ReviewOptions): Record<string, unknown> {
  checkObject(options, "options");
  checkKnownKeys(options, REVIEW_OPTIONS, "options");
  if (options.delivery !== undefined && options.delivery !== "inline") throw new InvalidArgumentError("options.delivery", `must be "inline" (the only delivery the runtime has), got ${describe(options.delivery)}`);
  if (options.onApproval !== undefined && typeof options.onApproval !== "function") throw new InvalidArgumentError("options.onApproval", `must be a function, got ${describe(options.onApproval)}`);
  return { threadId, target: checkTarget(target), ...(options.delivery === undefined ? {} : { delivery: options.delivery }) };
}

function checkTarget(target: unknown): ReviewTarget {
  checkObject(target, "target");
  const text = (key: string): string => {
    const value = target[key];
    if (typeof value !== "string" || value.trim() === "") throw new InvalidArgumentError(`target.${key}`, `must be a non-empty string, got ${describe(value)}`);
    return value;
  };
  switch (target.type) {
    case "uncommittedChanges":
      checkKnownKeys(target, ["type"], "target");
      return { type: "uncommittedChanges" };
    case "baseBranch":
      checkKnownKeys(target, ["type", "branch"], "target");
      return { type: "baseBranch", branch: text("branch") };
    case "commit":
      checkKnownKeys(target, ["type", "sha", "title"], "target");
      return { type: "commit", sha: text("sha"), title: target.title === undefined || target.title === null ? null : text("title") };
    case "custom":
      checkKnownKeys(target, ["type", "instructions"], "target");
      return { type: "custom", instructions: text("instructions") };
    default:
      throw new InvalidArgumentError("target.type", `must be "uncommittedChanges", "baseBranch", "commit" or "custom", got ${describe(target.type)}`);
  }
}

/**
 * Sends `review/start` with its routing registered first, and returns the review's handle. The
 * runtime answers within a few ms, so the request is not raced against the signal: an abort
 * meanwhile interrupts the review through its handle.
 */
export async function startReview(
  connection: { peer: RpcChannel; router: TurnRouter },
  session: Session,
  params: Record<string, unknown>,
  options: TurnStartOptions & { idleTimeoutMs: number | undefined },
): Promise<TurnHandle<undefined>> {
  const { peer, router } = connection;
  const { signal, onApproval, onFinish, trace, idleTimeoutMs } = options;
  const start = router.beginStart(String(params.threadId), onApproval);
  try {
    const result = await peer.request("review/start", params, { trace });
    const { turn, reviewThreadId } = validate<ReviewStartResponse>(ReviewStartResponseSchema, result, "review/start response");
    const stream: ReviewTurnStream = new ReviewTurnStream(turn.id, router, {
      onLeave: () => router.unregister(turn.id, stream),
      onApproval,
      whenActive: () => router.whenActive(turn.id),
    });
    if (onFinish) stream.onFinish(onFinish);
    router.register(start, turn.id, stream);
    return new TurnHandle(session, reviewThreadId, turn.id, stream, {
      signal,
      idleTimeoutMs,
      interruptTarget: () => stream.interruptTarget(),
      finalResponse: reviewText,
    });
  } catch (error) {
    router.endStart(start);
    throw error;
  }
}

/**
 * A review's stream: it takes the reviewer's `turn/started` (a child turn of the review) and
 * remembers its id, the one `turn/interrupt` needs.
 */
export class ReviewTurnStream extends TurnStream {
  readonly childTurns = true;
  readonly #reviewTurnId: string;
  readonly #router: TurnRouter;
  #reviewerTurnId: string | undefined;
  #live = true;

  constructor(reviewTurnId: string, router: TurnRouter, options: TurnStreamOptions) {
    const left = { stream: undefined as ReviewTurnStream | undefined };
    super({
      ...options,
      onLeave: () => {
        if (left.stream) left.stream.#live = false;
        options.onLeave();
      },
    });
    left.stream = this;
    this.#reviewTurnId = reviewTurnId;
    this.#router = router;
  }

  override push(notification: Notification): void {
    if (notification.method === "turn/started" && notification.params.turn.id !== this.#reviewTurnId) this.#reviewerTurnId = notification.params.turn.id;
    if (notification.method === "turn/completed") this.#live = false;
    super.push(notification);
  }

  override fail(error: unknown): void {
    this.#live = false;
    super.fail(error);
  }

  /**
   * The turn `turn/interrupt` must name: the reviewer's, as soon as it started (waiting for it if
   * the review is still starting), or `null` when the review completed before a reviewer started.
   * Once the stream is left or finished with no reviewer seen, the review's own id (the runtime
   * then answers with an error instead of a wait that could never end).
   */
  interruptTarget(): Promise<string | null> {
    if (this.#reviewerTurnId !== undefined) return Promise.resolve(this.#reviewerTurnId);
    if (!this.#live) return Promise.resolve(this.#reviewTurnId);
    return this.#router.whenChildTurnStarted(this.#reviewTurnId);
  }
}

/**
 * The review text: the last `exitedReviewMode` item's `review` (the runtime's rendering of the
 * reviewer's findings), else the usual final agent message.
 */
export function reviewText(items: readonly ThreadItem[]): string | null {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const item = items[index];
    if (item?.type === "exitedReviewMode") return item.review;
  }
  return finalResponse(items);
}
