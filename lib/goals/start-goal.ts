import type { GenericSchema } from "valibot";
import { raceAbort } from "../abort.js";
import { CodexError } from "../errors.js";
import type { ThreadGoal } from "../protocol/generated/v2/index.js";
import { GoalClearResponseSchema, GoalGetResponseSchema, GoalSetResponseSchema, ThreadStatusResponseSchema } from "../protocol/schemas.js";
import type { CallOptions, Session, TurnStartOptions } from "../session.js";
import type { TurnQueue } from "../turns/turn-queue.js";
import type { TurnRouter } from "../turns/turn-router.js";
import { TurnStream } from "../turns/turn-stream.js";
import { GoalHandle, type GoalLifecycle, pauseGoal } from "./goal-handle.js";
import { explainGoalError, type GoalOptions, threadBusyForGoal } from "./goal-options.js";
import { GoalRoute } from "./goal-route.js";

/** How long the runtime may take to start the goal's first turn after `thread/goal/set`. */
const GOAL_START_TIMEOUT_MS = 30_000;

/**
 * How long after a turn of a still-active goal completed the runtime may take to start the next
 * one before the SDK asks for the goal's status (it may have stopped without saying so).
 */
const CONTINUATION_CHECK_MS = 2000;

/** What starting a goal needs of the connection: its turn routing and its per-thread turn queue. */
export interface GoalConnection {
  readonly router: TurnRouter;
  readonly queue: TurnQueue;
}

/** A goal request whose refusals point at the fix (goals disabled, ephemeral thread). */
export async function goalRequest<T>(session: Session, method: string, params: { threadId: string }, schema: GenericSchema, options: CallOptions = {}): Promise<T> {
  try {
    return await session.request<T>(method, params, schema, options);
  } catch (error) {
    throw explainGoalError(error, params.threadId);
  }
}

/**
 * Starts a goal on an idle thread and resolves with its handle once the runtime started the
 * goal's first turn. The checks come first and reach no model: the goals feature is on and the
 * thread persisted (`thread/goal/get` says so), and no turn runs on it (neither in this client nor
 * as the runtime reports it). Then the thread is claimed, any stored goal is replaced (cleared and
 * set `active`), and the runtime starts the turn by itself.
 *
 * If anything fails or `signal` aborts once the goal may be active, the goal is paused and its turn
 * interrupted before the error propagates.
 */
export async function startGoal(
  connection: GoalConnection,
  session: Session,
  threadId: string,
  objective: string,
  options: GoalOptions & Pick<TurnStartOptions, "onFinish">,
  limits: { idleTimeoutMs: number | undefined; timeoutMs: number | undefined },
): Promise<GoalHandle> {
  const { signal, tokenBudget, onApproval, onFinish, turnTimeoutMs = limits.timeoutMs } = options;
  const { router, queue } = connection;
  const busyHere = (): boolean => queue.isBusy(threadId) || router.claims(threadId);
  if (busyHere()) throw threadBusyForGoal(threadId, "a turn or goal of this client runs on it");
  await goalRequest(session, "thread/goal/get", { threadId }, GoalGetResponseSchema, { signal });
  const { thread } = await session.request<{ thread: { status: { type: string } } }>("thread/read", { threadId, includeTurns: false }, ThreadStatusResponseSchema, { signal });
  if (thread.status.type === "active") throw threadBusyForGoal(threadId, "the runtime reports a running turn");
  if (busyHere()) throw threadBusyForGoal(threadId, "a turn or goal of this client started meanwhile");

  const slot = await queue.acquire(threadId, signal);
  let released = false;
  const lifecycle: GoalLifecycle = {
    release: () => {
      if (released) return;
      released = true;
      router.releaseThread(threadId, route);
      slot.release();
    },
    onLeave: () => lifecycle.release(),
  };
  const stream = new TurnStream({ onLeave: () => lifecycle.onLeave(), onApproval });
  // Registered now, so an end right after the start is not missed; a start that failed has no handle to finish.
  let startFailed = false;
  if (onFinish) {
    stream.onFinish(() => {
      if (!startFailed) onFinish();
    });
  }
  const route = new GoalRoute(threadId, stream, onApproval);
  route.onEnd(() => lifecycle.release());
  route.onAwaitingContinuation = () => checkContinuation(session, route);
  router.claimThread(threadId, route);
  let activating = false;
  try {
    await goalRequest(session, "thread/goal/clear", { threadId }, GoalClearResponseSchema, { signal });
    activating = true;
    const params = { threadId, objective, status: "active", ...(tokenBudget === undefined ? {} : { tokenBudget }) };
    const { goal } = await goalRequest<{ goal: ThreadGoal }>(session, "thread/goal/set", params, GoalSetResponseSchema, { signal });
    route.observeGoal(goal);
    await raceAbort(withinStartTimeout(route.started()), signal);
  } catch (error) {
    startFailed = true;
    if (activating) {
      // The goal may be active on the runtime: pause it, stop what it started, then let go.
      pauseGoal(session, route)
        .catch((pauseError: Error) => session.reportError(pauseError))
        .finally(() => lifecycle.release());
    } else lifecycle.release();
    throw error;
  }
  return new GoalHandle(session, route, stream, lifecycle, { signal, idleTimeoutMs: limits.idleTimeoutMs, timeoutMs: turnTimeoutMs });
}

function withinStartTimeout<T>(started: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CodexError(`The runtime started no turn for the goal within ${GOAL_START_TIMEOUT_MS / 1000} s of thread/goal/set`)), GOAL_START_TIMEOUT_MS).unref();
  });
  return Promise.race([started, timeout]).finally(() => clearTimeout(timer));
}

/**
 * No logical turn may wait forever for a continuation the runtime never starts: while no turn runs,
 * the goal's status is read every {@link CONTINUATION_CHECK_MS}, and a goal found stopped or
 * cleared ends the logical turn.
 */
function checkContinuation(session: Session, route: GoalRoute): void {
  const timer = setTimeout(() => {
    if (route.ended || route.currentTurnId !== undefined) return;
    goalRequest<{ goal: ThreadGoal | null }>(session, "thread/goal/get", { threadId: route.threadId }, GoalGetResponseSchema)
      .then(({ goal }) => {
        if (goal === null) route.observeCleared();
        else {
          route.observeGoal(goal);
          route.endIfIdle();
        }
        if (!route.ended && route.currentTurnId === undefined) checkContinuation(session, route);
      })
      .catch((error: Error) => session.reportError(error));
  }, CONTINUATION_CHECK_MS).unref();
  route.onEnd(() => clearTimeout(timer));
}
