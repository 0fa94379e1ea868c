/**
 * Valibot schemas for every field the SDK itself reads from the runtime. Responses and
 * notifications are otherwise passed through untouched (typed by the generated protocol), but a
 * field the SDK acts on must be there: a mismatch becomes a {@link ProtocolError} naming the
 * method and the path, never a silent `undefined` further down.
 */
import * as v from "valibot";
import { ProtocolError } from "../errors.js";

const id = v.pipe(v.string(), v.minLength(1));
const nullableNumber = v.nullish(v.number());

/** `initialize` response: the metadata `AsyncCodex.metadata` reports. */
export const InitializeResponseSchema = v.looseObject({
  userAgent: id,
  codexHome: v.string(),
  platformFamily: v.string(),
  platformOs: v.string(),
});

/** Any response carrying the thread it created or changed (`thread/start`, `resume`, `fork`, `unarchive`). */
export const ThreadResponseSchema = v.looseObject({ thread: v.looseObject({ id }) });

/** `fs/readFile` response. */
export const FileContentSchema = v.looseObject({ dataBase64: v.string() });

/** `turn/start` response. */
export const TurnStartResponseSchema = v.looseObject({ turn: v.looseObject({ id }) });

/** `review/start` response. */
export const ReviewStartResponseSchema = v.looseObject({ turn: v.looseObject({ id }), reviewThreadId: id });

/** `turn/steer` response. */
export const TurnSteerResponseSchema = v.looseObject({ turnId: id });

/** `account/login/start` response for the interactive logins. */
export const ChatgptLoginResponseSchema = v.looseObject({ type: v.literal("chatgpt"), loginId: id, authUrl: v.string() });

/** `account/login/start` response for a device-code login. */
export const DeviceCodeLoginResponseSchema = v.looseObject({ type: v.literal("chatgptDeviceCode"), loginId: id, verificationUrl: v.string(), userCode: v.string() });

/** A page of a cursor-based list (`thread/list`, `thread/turns/list`, …): the SDK follows `nextCursor`. */
export const PageSchema = v.looseObject({ data: v.array(v.unknown()), nextCursor: v.nullish(v.string(), null) });

/** Any value: results of raw requests, which the SDK does not read. */
export const AnySchema = v.unknown();

/** Any JSON object (responses the SDK returns as-is but must at least be objects). */
export const ObjectSchema = v.looseObject({});

const TurnErrorSchema = v.looseObject({ message: v.string(), codexErrorInfo: v.nullish(v.unknown()) });

/** `turn/completed` notification. */
export const TurnCompletedSchema = v.looseObject({
  threadId: id,
  turn: v.looseObject({
    id,
    status: v.picklist(["completed", "interrupted", "failed", "inProgress"]),
    error: v.nullish(TurnErrorSchema),
    startedAt: nullableNumber,
    completedAt: nullableNumber,
    durationMs: nullableNumber,
  }),
});

/** `item/completed` notification: the item must have a type, and agent messages their text. */
export const ItemCompletedSchema = v.looseObject({
  threadId: id,
  turnId: id,
  item: v.variant("type", [
    v.looseObject({ type: v.literal("agentMessage"), id, text: v.string(), phase: v.nullish(v.string()) }),
    v.looseObject({ type: v.pipe(v.string(), v.check((type) => type !== "agentMessage")), id }),
  ]),
});

const TokenUsageBreakdownSchema = v.looseObject({
  totalTokens: v.number(),
  inputTokens: v.number(),
  cachedInputTokens: v.number(),
  outputTokens: v.number(),
  reasoningOutputTokens: v.number(),
});

/** `thread/tokenUsage/updated` notification. */
export const TokenUsageUpdatedSchema = v.looseObject({
  threadId: id,
  turnId: id,
  tokenUsage: v.looseObject({ total: TokenUsageBreakdownSchema, last: TokenUsageBreakdownSchema, modelContextWindow: nullableNumber }),
});

const GoalStatusSchema = v.picklist(["active", "paused", "blocked", "usageLimited", "budgetLimited", "complete"]);

/** A `ThreadGoal`: what the SDK reads of it to follow a goal. */
export const ThreadGoalSchema = v.looseObject({ threadId: id, objective: v.string(), status: GoalStatusSchema, tokensUsed: v.number() });

/** `thread/goal/set` response. */
export const GoalSetResponseSchema = v.looseObject({ goal: ThreadGoalSchema });

/** `thread/goal/get` response. */
export const GoalGetResponseSchema = v.looseObject({ goal: v.nullable(ThreadGoalSchema) });

/** `thread/goal/clear` response. */
export const GoalClearResponseSchema = v.looseObject({ cleared: v.boolean() });

/** `thread/goal/updated` notification. */
export const GoalUpdatedSchema = v.looseObject({ threadId: id, goal: ThreadGoalSchema });

/** `thread/read` response, as far as the thread's status. */
export const ThreadStatusResponseSchema = v.looseObject({ thread: v.looseObject({ id, status: v.looseObject({ type: v.string() }) }) });

/**
 * Checks `value` against `schema` and returns it unchanged (with the generated type `T` the caller
 * names). Throws a {@link ProtocolError} naming `what` (a method) and the first offending path.
 */
export function validate<T>(schema: v.GenericSchema, value: unknown, what: string): T {
  const result = v.safeParse(schema, value);
  if (result.success) return value as T;
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? "";
  throw new ProtocolError(`Unexpected ${what} from the runtime: ${path ? `${path}: ` : ""}${issue.message}`, {
    method: what.split(" ")[0],
    path,
  });
}
