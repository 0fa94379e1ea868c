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

/**
 * A schema checked once per streamed notification: `accepts` is a hand-written check of exactly
 * what `schema` accepts. Valibot copies every object it checks, which made a tenth of the SDK's
 * CPU per streamed notification; `accepts` reads and allocates nothing, and `schema` runs only on
 * a mismatch, to word the error. spec/protocol/schemas.spec.ts holds the two to the same answers.
 */
export interface HotSchema {
  readonly schema: v.GenericSchema;
  accepts(value: unknown): boolean;
}

// The hand-written counterparts of valibot's checks: its objects accept arrays too, its numbers not NaN.
type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null;
const isId = (value: unknown): boolean => typeof value === "string" && value.length > 0;
const isNumber = (value: unknown): boolean => typeof value === "number" && !Number.isNaN(value);
const isNullableNumber = (value: unknown): boolean => value === undefined || value === null || isNumber(value);

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
const TURN_STATUSES = ["completed", "interrupted", "failed", "inProgress"] as const;

/** `turn/completed` notification. */
export const TurnCompletedSchema: HotSchema = {
  schema: v.looseObject({
    threadId: id,
    turn: v.looseObject({
      id,
      status: v.picklist(TURN_STATUSES),
      error: v.nullish(TurnErrorSchema),
      startedAt: nullableNumber,
      completedAt: nullableNumber,
      durationMs: nullableNumber,
    }),
  }),
  accepts: (value) => {
    if (!isObject(value) || !isId(value.threadId) || !isObject(value.turn)) return false;
    const { id: turnId, status, error, startedAt, completedAt, durationMs } = value.turn;
    const errorOk = error === undefined || error === null || (isObject(error) && typeof error.message === "string");
    return isId(turnId) && (TURN_STATUSES as readonly unknown[]).includes(status) && errorOk && isNullableNumber(startedAt) && isNullableNumber(completedAt) && isNullableNumber(durationMs);
  },
};

/** `item/completed` notification: the item must have a type, and agent messages their text. */
export const ItemCompletedSchema: HotSchema = {
  schema: v.looseObject({
    threadId: id,
    turnId: id,
    item: v.variant("type", [
      v.looseObject({ type: v.literal("agentMessage"), id, text: v.string(), phase: v.nullish(v.string()) }),
      v.looseObject({ type: v.pipe(v.string(), v.check((type) => type !== "agentMessage")), id }),
    ]),
  }),
  accepts: (value) => {
    if (!isObject(value) || !isId(value.threadId) || !isId(value.turnId) || !isObject(value.item)) return false;
    const { type, id: itemId, text, phase } = value.item;
    if (typeof type !== "string" || !isId(itemId)) return false;
    return type !== "agentMessage" || (typeof text === "string" && (phase === undefined || phase === null || typeof phase === "string"));
  },
};

const TokenUsageBreakdownSchema = v.looseObject({
  totalTokens: v.number(),
  inputTokens: v.number(),
  cachedInputTokens: v.number(),
  outputTokens: v.number(),
  reasoningOutputTokens: v.number(),
});

const isTokenUsageBreakdown = (value: unknown): boolean =>
  isObject(value) &&
  isNumber(value.totalTokens) &&
  isNumber(value.inputTokens) &&
  isNumber(value.cachedInputTokens) &&
  isNumber(value.outputTokens) &&
  isNumber(value.reasoningOutputTokens);

/** `thread/tokenUsage/updated` notification. */
export const TokenUsageUpdatedSchema: HotSchema = {
  schema: v.looseObject({
    threadId: id,
    turnId: id,
    tokenUsage: v.looseObject({ total: TokenUsageBreakdownSchema, last: TokenUsageBreakdownSchema, modelContextWindow: nullableNumber }),
  }),
  accepts: (value) => {
    if (!isObject(value) || !isId(value.threadId) || !isId(value.turnId) || !isObject(value.tokenUsage)) return false;
    const { total, last, modelContextWindow } = value.tokenUsage;
    return isTokenUsageBreakdown(total) && isTokenUsageBreakdown(last) && isNullableNumber(modelContextWindow);
  },
};

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
export function validate<T>(schema: v.GenericSchema | HotSchema, value: unknown, what: string): T {
  if ("accepts" in schema) {
    if (schema.accepts(value)) return value as T;
    return validate<T>(schema.schema, value, what);
  }
  const result = v.safeParse(schema, value);
  if (result.success) return value as T;
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? "";
  throw new ProtocolError(`Unexpected ${what} from the runtime: ${path ? `${path}: ` : ""}${issue.message}`, {
    method: what.split(" ")[0],
    path,
  });
}
