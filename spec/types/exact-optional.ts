// A consumer's program under `exactOptionalPropertyTypes: true` (spec/types/tsconfig.json), where
// `{ model: undefined }` only compiles if the option's type says `| undefined`. It passes every
// option of the public API as `undefined`, and checks the types that say what the runtime accepts.
// Type-checked by spec/types.spec.ts, never run.
import {
  AsyncCodex,
  type AsyncCodexOptions,
  type GoalOptions,
  type ReasoningEffort,
  retryOnOverload,
  type RetryOptions,
  type SetGoalOptions,
  type Thread,
  type ThreadListOptions,
  tool,
  type ToolDefinition,
  type ThreadOptions,
  type TurnFailedError,
  type TurnOptions,
  type TurnResult,
} from "codex-app-sdk";
import * as v from "valibot";
import { createOfflineEnvironment, FakeModel, type FakeModelOptions, type OfflineEnvironmentOptions } from "codex-app-sdk/testing";

const maybe = <T>(): T | undefined => undefined;
/** Every key of `T` given, so an option added later must be added here too. */
type Every<T> = { [K in keyof T]-?: unknown };

export const clientOptions: AsyncCodexOptions = {
  codexBin: maybe<string>(),
  config: maybe<Record<string, unknown>>(),
  env: maybe<Record<string, string>>(),
  inheritEnv: undefined,
  cwd: maybe<string>(),
  codexHome: maybe<string>(),
  clientInfo: { name: "app", title: maybe<string>(), version: "1.0.0" },
  experimentalApi: maybe<boolean>(),
  requestTimeoutMs: maybe<number>(),
  maxInFlightRequests: maybe<number>(),
  onError: undefined,
  onApproval: undefined,
  onServerRequest: undefined,
  serverRequestTimeoutMs: undefined,
  turnIdleTimeoutMs: undefined,
  turnTimeoutMs: undefined,
  maxLineLength: undefined,
  optOutNotificationMethods: undefined,
  traceContext: undefined,
  logger: undefined,
  onChatgptAuthTokensRefresh: undefined,
  remote: undefined,
  transport: undefined,
  onDisconnect: undefined,
} satisfies Every<AsyncCodexOptions>;

export const threadOptions: ThreadOptions = {
  signal: maybe<AbortSignal>(),
  model: maybe<string>(),
  modelProvider: undefined,
  cwd: undefined,
  sandbox: undefined,
  approvalMode: undefined,
  baseInstructions: undefined,
  developerInstructions: undefined,
  config: undefined,
  ephemeral: undefined,
  personality: undefined,
  serviceTier: undefined,
  tools: undefined,
  trace: undefined,
  serviceName: undefined,
  sessionStartSource: undefined,
  threadSource: undefined,
  experimentalRawEvents: undefined,
  path: undefined,
} satisfies Every<ThreadOptions>;

export const turnOptions: TurnOptions = {
  signal: undefined,
  model: maybe<string>(),
  effort: maybe<ReasoningEffort>(),
  summary: undefined,
  cwd: undefined,
  sandbox: undefined,
  approvalMode: undefined,
  outputSchema: undefined,
  personality: undefined,
  serviceTier: undefined,
  onApproval: undefined,
  turnTimeoutMs: undefined,
  collaborationMode: undefined,
  trace: undefined,
} satisfies Every<TurnOptions>;

export const listOptions: ThreadListOptions = { signal: undefined, archived: undefined, limit: undefined, cursor: undefined, searchTerm: undefined };
export const retryOptions: RetryOptions = {
  retries: undefined,
  minTimeout: undefined,
  maxTimeout: undefined,
  factor: undefined,
  randomize: undefined,
  signal: undefined,
  onFailedAttempt: undefined,
} satisfies Every<RetryOptions>;
const parameters = v.object({ city: v.string() });
export const toolDefinition: ToolDefinition<typeof parameters> = {
  name: "weather",
  description: "The weather in a city",
  parameters,
  execute: ({ city }: { city: string }) => `sunny in ${city}`,
  timeoutMs: undefined,
  concurrency: undefined,
  needsApproval: undefined,
} satisfies Every<ToolDefinition<typeof parameters>>;
export const weather = tool(toolDefinition);

export const goalOptions: GoalOptions = { signal: undefined, trace: undefined, tokenBudget: undefined, onApproval: undefined, turnTimeoutMs: undefined } satisfies Every<GoalOptions>;
export const setGoalOptions: SetGoalOptions = { signal: undefined, trace: undefined, objective: undefined, status: undefined, tokenBudget: undefined } satisfies Every<SetGoalOptions>;

export const environmentOptions: OfflineEnvironmentOptions = { model: undefined, requiresOpenaiAuth: undefined, goals: undefined } satisfies Every<OfflineEnvironmentOptions>;
export const modelOptions: FakeModelOptions = { replies: undefined, defaultReply: undefined } satisfies Every<FakeModelOptions>;

export async function everyCall(thread: Thread, signal: AbortSignal | undefined): Promise<void> {
  const codex = new AsyncCodex(clientOptions);
  await codex.start({ signal });
  codex.notifications({ signal });
  await codex.models({ signal, includeHidden: maybe<boolean>() });
  await codex.account({ signal, refreshToken: maybe<boolean>() });
  await codex.loginApiKey("sk-…", { signal });
  const login = await codex.loginChatgpt({ signal });
  await login.wait({ signal });
  await login.cancel({ signal });
  await codex.threadStart(threadOptions);
  await codex.threadResume(thread.id, { ...threadOptions, ephemeral: undefined });
  await codex.threadFork(thread.id, threadOptions);
  await codex.threadList(listOptions);
  await codex.threadArchive(thread.id, { signal });
  await thread.read({ signal, includeTurns: maybe<boolean>() });
  await thread.setName("name", { signal });
  await thread.compact({ signal });
  const turn = await thread.turn("hi", turnOptions);
  await turn.steer("more", { signal });
  await turn.interrupt({ signal });
  await retryOnOverload(() => codex.models(), retryOptions);
  await createOfflineEnvironment(environmentOptions);
  await FakeModel.start(modelOptions);

  // A result's status is what run() can return; failed turns throw, and carry "failed".
  const result: TurnResult = await thread.run("hi", { model: maybe<string>() });
  const status: "completed" | "interrupted" = result.status;
  // @ts-expect-error run() never returns a failed turn: it throws TurnFailedError.
  if (result.status === "failed") throw new Error(status);
  const failed = (error: TurnFailedError): "failed" => error.result.status;
  // @ts-expect-error an effort is a string the model advertises, never a number.
  await thread.run("hi", { effort: 5 });
  void failed;
}
