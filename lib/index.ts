/**
 * codex-app-sdk: drive the Codex runtime (`codex app-server`) from Node with async iterators.
 *
 * @example
 * ```ts
 * import { AsyncCodex } from "codex-app-sdk";
 *
 * await using codex = new AsyncCodex();
 * const thread = await codex.threadStart();
 * const turn = await thread.turn("Say hi");
 * for await (const n of turn) {
 *   if (n.method === "item/agentMessage/delta") process.stdout.write(n.params.delta);
 * }
 * ```
 *
 * @module
 */
export { AsyncCodex } from "./client/async-codex.js";
export type { ClientMethod, ClientParams, ClientResult, RequestArguments, RequestOptions } from "./client/request.js";
export type { ChatgptAuthTokens } from "./client/login.js";
export type { MessageLogEntry, MessageLogger } from "./rpc/message-log.js";
export type { TraceContext, TraceContextProvider } from "./rpc/trace.js";
export type { PageOptions } from "./threads/history.js";
export type { RevertOptions, ThreadMetadata, ThreadSettings } from "./threads/thread-settings.js";
export type { ReviewOptions } from "./turns/review.js";
export { VERSION } from "./version.js";
export { type AsyncCodexOptions, transportFor } from "./client/options.js";
export type { ErrorReporter, Transport } from "./transport/transport.js";
export type { TransportContext, TransportFactory } from "./transport/local-runtime.js";
export type { ReconnectOptions, RemoteRuntimeOptions } from "./transport/remote-runtime.js";
export type { JwtAuthOptions } from "./transport/bearer-token.js";
export { type RuntimeServerOptions, startRuntimeServer } from "./client/runtime-server.js";
export type { RuntimeServer } from "./transport/runtime-server.js";
export { CodexPool, type PoolMemberStats } from "./pool/codex-pool.js";
export type { PoolMemberState } from "./pool/pool-member.js";
export type { CodexPoolOptions, MemberListPoolOptions, PoolSettings, SpawnedPoolOptions } from "./pool/pool-options.js";
export { ApprovalMode } from "./server-requests/approval-mode.js";
export type { ApprovalContext, ApprovalDecision, ApprovalHandler, ApprovalRequest } from "./server-requests/approvals.js";
export { ChatgptLoginHandle, DeviceCodeLoginHandle, LoginHandle } from "./client/login.js";
export type {
  ServerRequestContext,
  ServerRequestHandler,
  ServerRequestHandlers,
  ServerRequestMethod,
  ServerRequestParams,
  ServerRequestResponses,
} from "./server-requests/handlers.js";
export type { ClientInfo, CodexMetadata } from "./client/connection.js";
export type { ImageInput, Input, InputItem, LocalImageInput, MentionInput, SkillInput, TextInput } from "./turns/inputs.js";
export { Sandbox } from "./threads/sandbox.js";
export type { CallOptions } from "./session.js";
export type { JsonSchema, OutputOf, OutputSchema } from "./turns/structured-output.js";
export { Thread } from "./threads/thread.js";
export { type Tool, type ToolContext, type ToolDefinition, type ToolNamespace, tool } from "./tools/tool.js";
export { type ToolImage, toolImage } from "./tools/answer.js";
export { BUILT_IN_TOOL_NAMES, type ToolEntry } from "./tools/tool-set.js";
export { ToolCallError, type ToolCallFailure } from "./tools/tool-call-error.js";
export { type FailedGoalResult, GoalFailedError, GoalHandle, type GoalResult } from "./goals/goal-handle.js";
export type { GoalOptions, SetGoalOptions } from "./goals/goal-options.js";
export { TurnHandle } from "./turns/turn-handle.js";
export { type FailedTurnResult, TurnFailedError, type TurnResult } from "./turns/turn-result.js";
export type { ThreadListOptions, ThreadOptions } from "./threads/thread-options.js";
export type { ReasoningEffort, TurnOptions } from "./turns/turn-options.js";
export {
  AuthenticationError,
  CodexError,
  type CodexErrorOptions,
  CodexNotFoundError,
  InternalRpcError,
  InvalidArgumentError,
  InvalidParamsError,
  InvalidRequestError,
  isRetryableError,
  JsonRpcError,
  MethodNotFoundError,
  ParseError,
  ProtocolError,
  RequestTimeoutError,
  RetryLimitExceededError,
  ServerBusyError,
  StructuredOutputError,
  ThreadBusyError,
  ThreadOwnedElsewhereError,
  ThreadNotFoundError,
  TransportClosedError,
  type TransportClosedDetails,
  TurnTimeoutError,
  type TurnTimeoutLimit,
} from "./errors.js";
export type {
  ConnectionDroppedEvent,
  ConnectionResumedEvent,
  Notification,
  NotificationMethod,
  ServerRequestAnsweredEvent,
  ServerRequestEvent,
  ServerRequestOutcome,
} from "./protocol/notification.js";
export { retryOnOverload, type RetryOptions } from "./retry.js";
export type * as protocol from "./protocol/public.js";
