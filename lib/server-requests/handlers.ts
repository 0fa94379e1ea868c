import type {
  ApplyPatchApprovalResponse,
  ExecCommandApprovalResponse,
  ServerRequest,
} from "../protocol/generated/index.js";
import type {
  AttestationGenerateResponse,
  ChatgptAuthTokensRefreshResponse,
  CommandExecutionRequestApprovalResponse,
  CurrentTimeReadResponse,
  DynamicToolCallResponse,
  FileChangeRequestApprovalResponse,
  McpServerElicitationRequestResponse,
  PermissionsRequestApprovalResponse,
  ToolRequestUserInputResponse,
} from "../protocol/generated/v2/index.js";

/** The method of a request the runtime can send to the client. */
export type ServerRequestMethod = ServerRequest["method"];

/** The params of the server request `M`. */
export type ServerRequestParams<M extends ServerRequestMethod> = Extract<
  ServerRequest,
  {
    /** The request's method. */
    method: M;
  }
>["params"];

/** The response each server request expects. A method missing here fails to type-check. */
export interface ServerRequestResponses {
  /** Approve or decline a command (also answered by `onApproval`). */
  "item/commandExecution/requestApproval": CommandExecutionRequestApprovalResponse;
  /** Approve or decline a file change (also answered by `onApproval`). */
  "item/fileChange/requestApproval": FileChangeRequestApprovalResponse;
  /** Grant or refuse extra permissions (also answered by `onApproval`). */
  "item/permissions/requestApproval": PermissionsRequestApprovalResponse;
  /** Answer questions the model asks the user. */
  "item/tool/requestUserInput": ToolRequestUserInputResponse;
  /** Answer an MCP server's request for input. */
  "mcpServer/elicitation/request": McpServerElicitationRequestResponse;
  /** Run a tool the client provides. */
  "item/tool/call": DynamicToolCallResponse;
  /** Give the runtime fresh ChatGPT tokens. */
  "account/chatgptAuthTokens/refresh": ChatgptAuthTokensRefreshResponse;
  /** Produce an attestation for the runtime. */
  "attestation/generate": AttestationGenerateResponse;
  /** Tell the runtime the current time. */
  "currentTime/read": CurrentTimeReadResponse;
  /** Legacy (v1) patch approval. */
  applyPatchApproval: ApplyPatchApprovalResponse;
  /** Legacy (v1) command approval. */
  execCommandApproval: ExecCommandApprovalResponse;
}

/** What a server-request handler gets besides the params. */
export interface ServerRequestContext {
  /** The runtime's id of the request. */
  requestId: number | string;
  /** Aborts when the request is settled another way (resolved by the runtime, turn ended, runtime gone). */
  signal: AbortSignal;
}

/** Answers the server request `M` with its typed response. Throwing refuses the request. */
export type ServerRequestHandler<M extends ServerRequestMethod> = (
  params: ServerRequestParams<M>,
  context: ServerRequestContext,
) => ServerRequestResponses[M] | Promise<ServerRequestResponses[M]>;

/**
 * Handlers by method, each typed from the generated protocol.
 *
 * @example
 * ```ts
 * const codex = new AsyncCodex({
 *   onServerRequest: {
 *     "item/tool/requestUserInput": async (params) => ({ answers: await askHuman(params.questions) }),
 *   },
 * });
 * ```
 */
export type ServerRequestHandlers = { [M in ServerRequestMethod]?: ServerRequestHandler<M> };

const REFUSAL_REASON = "refused by the client: no handler accepted this request";

/**
 * The answer the runtime gets when no handler answers a request (none registered, it threw, or it
 * timed out): always a refusal of that request type, never an approval; `null` means a JSON-RPC
 * error reply, for requests that have no refusal in their response type. A tool call gets a failed
 * result that says so: the model sees an error reply only as "dynamic tool request failed".
 */
export const REFUSALS: { [M in ServerRequestMethod]: ServerRequestResponses[M] | null } = {
  "item/commandExecution/requestApproval": { decision: "decline" },
  "item/fileChange/requestApproval": { decision: "decline" },
  "item/permissions/requestApproval": { permissions: {}, scope: "turn" },
  "mcpServer/elicitation/request": { action: "cancel", content: null, _meta: null },
  applyPatchApproval: { decision: { denied: { rejection: REFUSAL_REASON } } },
  execCommandApproval: { decision: { denied: { rejection: REFUSAL_REASON } } },
  "item/tool/requestUserInput": null,
  "item/tool/call": {
    contentItems: [{ type: "inputText", text: "The tool call got no result: the client's handler failed or did not answer in time." }],
    success: false,
  },
  "account/chatgptAuthTokens/refresh": null,
  "attestation/generate": null,
  "currentTime/read": null,
};
