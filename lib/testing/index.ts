/**
 * Test helpers for code built on the SDK, exported as `codex-app-sdk/testing`: a scripted fake
 * model, an offline environment that points the real Codex runtime at it, and record and replay
 * transports so tests can run a recorded session in milliseconds with no runtime.
 *
 * @module
 */

export { FakeModel, functionCallOutputs, inputImageUrls, userTexts } from "./fake-model.js";
export type {
  FakeModelOptions,
  FakeReply,
  FakeReplySource,
  FakeToolCall,
  FakeUsage,
  FunctionCallOutput,
  RecordedRequest,
} from "./fake-model.js";
export { createOfflineEnvironment, offlineConfigToml } from "./offline-environment.js";
export type { OfflineEnvironment, OfflineEnvironmentOptions } from "./offline-environment.js";
export { Recording, ReplayMismatchError, replayTransport } from "./recording.js";
export type { RecordedMessage } from "./recording.js";
