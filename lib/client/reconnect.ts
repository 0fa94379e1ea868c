import { setTimeout as sleep } from "node:timers/promises";
import { raceAbort } from "../abort.js";
import { AuthenticationError, type CodexError, TransportClosedError } from "../errors.js";
import type { ThreadResumeResponse } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import type { RequestOptions, RpcChannel } from "../rpc/peer.js";
import type { TurnRouter } from "../turns/turn-router.js";
import type { CodexMetadata, Link, LinkOpener } from "./connection.js";

/** What a {@link ResumingChannel} needs from its connection. */
export interface ResumingChannelOptions {
  /** Opens a fresh, initialized link to the runtime. */
  links: LinkOpener;
  /** The connection's turn routing: which threads have open turns, and what they missed. */
  router: TurnRouter;
  /** Handles a notification as if it came from the runtime (a turn's ending missed during the gap). */
  deliver(notification: Notification): void;
  /** How long reconnecting may take before every waiter rejects. */
  timeoutMs: number;
  /** Called once when the channel closes for good (closed by the client, or reconnecting failed). */
  onClose(error: TransportClosedError): void;
  /** Receives what the channel survives (a thread it could not resume). */
  onError(error: CodexError): void;
}

/** Responses that name a thread this connection is now subscribed to. */
const SUBSCRIBING = new Set(["thread/start", "thread/resume", "thread/fork", "thread/unarchive"]);
/** Thread calls that need no subscription (or make or end one themselves). */
const NO_SUBSCRIPTION_NEEDED = new Set(["thread/resume", "thread/unsubscribe", "thread/read", "thread/fork", "thread/list", "thread/archive", "thread/turns/list", "thread/items/list"]);

/**
 * A JSON-RPC channel that outlives dropped connections. Turns keep running on the runtime when
 * a connection drops, so on a drop it opens a new link (with backoff, within `timeoutMs`), runs
 * `initialize` again, and `thread/resume`s every thread with an open turn; the open turns then
 * continue on the new link. A turn that ended during the gap is completed from the resumed
 * thread's snapshot. Other threads this client used are resumed lazily, before the next call on them
 * (a connection sees a thread's events only once subscribed).
 *
 * What is not recovered: requests in flight when the link dropped reject with its
 * `TransportClosedError` (they may have run), and deltas sent during the gap are lost. A pending
 * approval is re-sent by the runtime with the same id; the server-request dispatcher answers it
 * with the answer it already has (or is still waiting for), so it is decided once.
 */
export class ResumingChannel implements RpcChannel {
  readonly #options: ResumingChannelOptions;
  readonly metadata: CodexMetadata;
  readonly pid: number | undefined;
  /** Threads this client is subscribed to on some link, and those subscribed on the current one. */
  readonly #threads = new Set<string>();
  #subscribed = new Set<string>();
  #link: Link | undefined;
  #reconnecting: Promise<Link> | undefined;
  #closedError: TransportClosedError | undefined;
  readonly #closing = new AbortController();

  private constructor(options: ResumingChannelOptions, link: Link) {
    this.#options = options;
    this.#link = link;
    this.metadata = link.metadata;
    this.pid = link.pid;
  }

  /** Opens the first link; a failure there fails the start, as without reconnecting. */
  static async open(options: ResumingChannelOptions, signal?: AbortSignal): Promise<ResumingChannel> {
    let channel: ResumingChannel | undefined;
    // A link reports a drop only once it is open, and the channel exists before anything else runs.
    const link = await options.links((error) => channel && channel.#dropped(link, error), signal);
    channel = new ResumingChannel(options, link);
    return channel;
  }

  get closedError(): TransportClosedError | undefined {
    return this.#closedError;
  }

  async request(method: string, params: unknown, options: RequestOptions = {}): Promise<unknown> {
    if (this.#closedError) throw this.#closedError;
    const link = this.#link ?? (await raceAbort(this.#reconnecting as Promise<Link>, options.signal));
    const threadId = threadIdOf(params);
    if (threadId !== undefined && !NO_SUBSCRIPTION_NEEDED.has(method)) await this.#subscribe(link, threadId, options);
    const result = await link.peer.request(method, params, options);
    if (link === this.#link) this.#track(method, params, result);
    return result;
  }

  notify(method: string, params?: unknown): void {
    if (this.#closedError) throw this.#closedError;
    const link = this.#link;
    if (!link) throw new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "the connection dropped and is reconnecting" });
    link.peer.notify(method, params);
  }

  /** Closes the current link; while reconnecting, gives up at once (a link still opening is closed when it opens). */
  async close(): Promise<void> {
    const closed = new TransportClosedError({ exitCode: null, signal: null, stderrTail: "", reason: "closed by the client" });
    this.#closing.abort(closed);
    const link = this.#link;
    if (link) await link.peer.close();
    else this.#closeForGood(closed);
  }

  /** Follows subscriptions the runtime ends by itself (an unloaded thread). */
  observe(notification: Notification): void {
    if (notification.method === "thread/closed") this.#forget(notification.params.threadId);
  }

  #track(method: string, params: unknown, result: unknown): void {
    if (SUBSCRIBING.has(method)) {
      const threadId = (result as { thread?: { id?: unknown } }).thread?.id;
      if (typeof threadId === "string") {
        this.#threads.add(threadId);
        this.#subscribed.add(threadId);
      }
    } else if (method === "thread/unsubscribe") {
      const threadId = threadIdOf(params);
      if (threadId !== undefined) this.#forget(threadId);
    }
  }

  #forget(threadId: string): void {
    this.#threads.delete(threadId);
    this.#subscribed.delete(threadId);
  }

  /** Resubscribes, on this link, a thread this client was subscribed to before a reconnect. */
  async #subscribe(link: Link, threadId: string, options: RequestOptions): Promise<void> {
    if (!this.#threads.has(threadId) || this.#subscribed.has(threadId)) return;
    await link.peer.request("thread/resume", { threadId, excludeTurns: true }, options);
    if (link === this.#link) this.#subscribed.add(threadId);
  }

  #dropped(link: Link, error: TransportClosedError): void {
    if (this.#link !== link) return;
    this.#link = undefined;
    if (this.#closing.signal.aborted) {
      this.#closeForGood(error);
      return;
    }
    this.#options.deliver({ method: "sdk/connection/dropped", params: { reason: error.message } });
    this.#reconnecting = this.#reconnect(error);
    // Waiters hold their own handle on it; this one only keeps the rejection from going unhandled.
    this.#reconnecting.catch(() => undefined);
  }

  /** Opens links with backoff until one is resumed, the budget is spent, or the client closes. */
  async #reconnect(drop: TransportClosedError): Promise<Link> {
    const deadline = performance.now() + this.#options.timeoutMs;
    let delayMs = 50;
    let attempts = 0;
    let lastError: unknown = drop;
    const signal = this.#closing.signal;
    while (!signal.aborted) {
      attempts += 1;
      try {
        const link: Link = await this.#options.links((error) => this.#dropped(link, error), AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Math.ceil(deadline - performance.now())))]));
        let resumedThreads: string[];
        try {
          signal.throwIfAborted();
          resumedThreads = await this.#resumeOpenTurns(link);
        } catch (error) {
          await link.peer.close();
          throw error;
        }
        // Only now does a drop of this link start another reconnect.
        this.#link = link;
        this.#reconnecting = undefined;
        this.#options.deliver({ method: "sdk/connection/resumed", params: { resumedThreads, attempts } });
        if (link.peer.closedError) this.#dropped(link, link.peer.closedError);
        return link;
      } catch (error) {
        lastError = error;
        if (error instanceof AuthenticationError || performance.now() + delayMs >= deadline) break;
      }
      await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      delayMs = Math.min(delayMs * 2, 2000);
    }
    const reason = signal.aborted
      ? "closed by the client while reconnecting"
      : `${drop.message.replace(/^Codex runtime connection closed: /, "")}, and reconnecting failed within ${this.#options.timeoutMs} ms: ${lastError instanceof Error ? lastError.message.replace(/^Codex runtime connection closed: /, "") : String(lastError)}`;
    const error = new TransportClosedError({ exitCode: drop.exitCode, signal: drop.signal, stderrTail: drop.stderrTail, reason }, { cause: lastError });
    this.#closeForGood(error);
    throw error;
  }

  /**
   * Resubscribes every thread with an open turn. Items its turn completed during the gap come from
   * the snapshot of the thread's last turns; a turn still running then continues with the live
   * events, and one that ended during the gap is completed from the snapshot.
   */
  async #resumeOpenTurns(link: Link): Promise<string[]> {
    const router = this.#options.router;
    const subscribed = new Set<string>();
    await Promise.all(
      router.openThreads().map(async (threadId) => {
        const response = (await link.peer.request("thread/resume", {
          threadId,
          excludeTurns: true,
          initialTurnsPage: { limit: 5, sortDirection: "desc", itemsView: "full" },
        })) as Partial<ThreadResumeResponse>;
        subscribed.add(threadId);
        for (const turn of response.initialTurnsPage?.data ?? []) router.missedNotifications(threadId, turn).forEach(this.#options.deliver);
      }),
    );
    this.#subscribed = subscribed;
    return [...subscribed];
  }

  #closeForGood(error: TransportClosedError): void {
    if (this.#closedError) return;
    this.#closedError = error;
    this.#options.onClose(error);
  }
}

function threadIdOf(params: unknown): string | undefined {
  const threadId = (params as { threadId?: unknown } | null | undefined)?.threadId;
  return typeof threadId === "string" ? threadId : undefined;
}
