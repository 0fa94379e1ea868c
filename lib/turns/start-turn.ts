import { raceAbort } from "../abort.js";
import { ThreadBusyError } from "../errors.js";
import type { TurnStartParams, TurnStartResponse } from "../protocol/generated/v2/index.js";
import { TurnStartResponseSchema, validate } from "../protocol/schemas.js";
import type { RpcChannel } from "../rpc/peer.js";
import type { Session, TurnStartOptions } from "../session.js";
import { interruptTurn, TurnHandle } from "./turn-handle.js";
import type { TurnQueue, TurnSlot } from "./turn-queue.js";
import type { PendingStart, TurnRouter } from "./turn-router.js";
import { TurnStream } from "./turn-stream.js";

/** What starting a turn needs of the connection: the peer, the turn routing and the per-thread turn queue. */
export interface TurnConnection {
  readonly peer: RpcChannel;
  readonly router: TurnRouter;
  readonly queue: TurnQueue;
}

/** The client's default time limits of a turn (and of a goal). */
export interface TurnLimits {
  /** `turnIdleTimeoutMs`. */
  readonly idleTimeoutMs: number | undefined;
  /** `turnTimeoutMs`. */
  readonly timeoutMs: number | undefined;
}

/**
 * Sends `turn/start` once the thread's earlier turns are over (see {@link TurnQueue}), with its
 * routing registered first. The request itself ignores the signal: once sent, the turn exists, so
 * an abort before the answer still interrupts it when its id comes.
 *
 * @throws {ThreadBusyError} when the answer names a turn that ran before the request went out or
 *   is routed already: the runtime joined the input into it.
 */
export async function startTurn<Output>(connection: TurnConnection, session: Session, params: TurnStartParams, options: TurnStartOptions, limits: TurnLimits): Promise<TurnHandle<Output>> {
  const { signal, onApproval, outputSchema, onFinish, turnTimeoutMs = limits.timeoutMs } = options;
  const { router, queue, peer } = connection;
  const slot = await queue.acquire(params.threadId, signal);
  if (signal?.aborted) {
    slot.release();
    throw signal.reason;
  }
  // Turns running before the request goes out cannot be the one it starts: an answer naming one
  // of them (or a turn routed already) means the runtime joined the input into it.
  const runningBefore = queue.runningTurns(params.threadId);
  const joined = (turnId: string): boolean => runningBefore.has(turnId) || router.routes(turnId);
  const start = router.beginStart(params.threadId, onApproval);
  const response = peer.request("turn/start", params, { trace: options.trace }).then((result) => validate<TurnStartResponse>(TurnStartResponseSchema, result, "turn/start response"));
  let turn: TurnStartResponse["turn"];
  try {
    ({ turn } = await raceAbort(response, signal));
  } catch (error) {
    if (signal?.aborted) interruptAbandoned(connection, session, params.threadId, response, start, slot, joined);
    else {
      slot.release();
      router.endStart(start);
    }
    throw error;
  }
  if (joined(turn.id)) {
    slot.release();
    router.endStart(start);
    throw new ThreadBusyError(params.threadId, turn.id);
  }
  slot.started(turn.id);
  const stream = new TurnStream({
    onLeave: () => router.unregister(turn.id, stream),
    onApproval,
    whenActive: () => router.whenActive(turn.id),
  });
  if (onFinish) stream.onFinish(onFinish);
  router.register(start, turn.id, stream);
  return new TurnHandle<Output>(session, params.threadId, turn.id, stream, { signal, idleTimeoutMs: limits.idleTimeoutMs, timeoutMs: turnTimeoutMs, outputSchema });
}

/**
 * A turn whose caller aborted before `turn/start` was answered: it exists once the answer comes
 * and must be interrupted; the runtime may refuse until the turn shows up (perhaps in
 * notifications already held back for this start), so the start is released only once the
 * answer names the turn. Its thread's slot stays held until the turn completed.
 */
function interruptAbandoned(
  connection: TurnConnection,
  session: Session,
  threadId: string,
  response: Promise<TurnStartResponse>,
  start: PendingStart,
  slot: TurnSlot,
  joined: (turnId: string) => boolean,
): void {
  const { router, peer } = connection;
  response
    .then(
      ({ turn }) => {
        if (joined(turn.id)) {
          // Not this call's turn: leave it alone.
          slot.release();
          router.endStart(start);
          return undefined;
        }
        slot.started(turn.id);
        const activated = router.whenActive(turn.id);
        router.endStart(start);
        return interruptTurn(() => peer.request("turn/interrupt", { threadId, turnId: turn.id }), activated);
      },
      () => {
        slot.release();
        router.endStart(start);
      },
    )
    // Reported, not swallowed: a lost interrupt leaves the turn running on the runtime.
    .catch((interruptError: Error) => session.reportError(interruptError));
}
