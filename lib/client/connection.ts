import { type CodexError, ProtocolError } from "../errors.js";
import type { InitializeResponse } from "../protocol/generated/index.js";
import type { Notification } from "../protocol/notification.js";
import { InitializeResponseSchema, validate } from "../protocol/schemas.js";
import { type MessageLogger, withMessageLog } from "../rpc/message-log.js";
import { RpcPeer } from "../rpc/peer.js";
import type { TransportFactory } from "../transport/local-runtime.js";
import type { DroppedMessage } from "../transport/transport.js";
import { readMessageHead } from "../protocol/message-head.js";
import type { TransportClosedError } from "../errors.js";
import type { ApprovalHandler } from "../server-requests/approvals.js";
import { ServerRequestDispatcher } from "../server-requests/dispatcher.js";
import type { ServerRequestHandlers } from "../server-requests/handlers.js";
import { TurnQueue } from "../turns/turn-queue.js";
import { TurnRouter } from "../turns/turn-router.js";
import type { ThreadTools } from "../tools/thread-tools.js";
import { ToolCalls } from "../tools/tool-calls.js";
import { VERSION } from "../version.js";

/** Who the SDK says it is in `initialize`. */
export interface ClientInfo {
  /** Machine-readable client name; the runtime puts it in its user agent. */
  name: string;
  /** Human-readable name. */
  title?: string;
  /** Client version. */
  version: string;
}

/** What the runtime reported about itself at `initialize`. */
export interface CodexMetadata {
  /** Server name, from the user agent (e.g. `"codex_app_sdk"`'s runtime: the part before the `/`). */
  serverName: string;
  /** Runtime version, e.g. `"0.169.0"`. */
  serverVersion: string;
  /** The full user agent string. */
  userAgent: string;
  /** `"unix"` or `"windows"`. */
  platformFamily: string;
  /** `"linux"`, `"macos"` or `"windows"`. */
  platformOs: string;
  /** The runtime's `CODEX_HOME`. */
  codexHome: string;
}

/** Everything needed to start and talk to one runtime. */
export interface ConnectionSettings {
  /** Makes the transport to the runtime; the connection never knows how the runtime is reached. */
  transport: TransportFactory;
  clientInfo: ClientInfo;
  experimentalApi: boolean;
  requestTimeoutMs: number;
  maxInFlightRequests: number;
  onError: (error: CodexError) => void;
  onNotification: (notification: Notification) => void;
  serverRequestHandlers: ServerRequestHandlers;
  onApproval: ApprovalHandler | undefined;
  serverRequestTimeoutMs: number;
  /** The client's tools by thread, which answer `item/tool/call`. */
  threadTools: ThreadTools;
  /** Sent as `initialize.capabilities.optOutNotificationMethods` when not empty. */
  optOutNotificationMethods: readonly string[];
  /** Sees every message in and out, when set. */
  logger: MessageLogger | undefined;
}

/** One running runtime: the process, the JSON-RPC peer over it, its turn routing and its per-thread turn queue. */
export interface Connection {
  readonly peer: RpcPeer;
  readonly router: TurnRouter;
  readonly queue: TurnQueue;
  readonly metadata: CodexMetadata;
  readonly pid: number | undefined;
}


/** The `clientInfo` sent when the caller gives none. */
export const DEFAULT_CLIENT_INFO: ClientInfo = { name: "codex_app_sdk", title: "Codex App SDK (TypeScript)", version: VERSION };

/**
 * Opens a transport to the runtime and runs the `initialize` handshake. On any failure the
 * transport is closed before the error propagates, so a failed start leaves nothing running.
 *
 * @param onClose called once if the runtime exits or the connection closes later.
 * @param signal aborting it gives up the start: the handshake stops waiting and the process is
 *   closed at once, instead of after `requestTimeoutMs` (a runtime that never answers `initialize`).
 */
export async function openConnection(
  settings: ConnectionSettings,
  onClose: (connection: Connection, error: TransportClosedError) => void,
  signal?: AbortSignal,
): Promise<Connection> {
  const opened = settings.transport({ onError: settings.onError, onDropped: (message) => endWhatWaitedFor(message) });
  const transport = settings.logger ? withMessageLog(opened, settings.logger, (error) => settings.onError(new ProtocolError("The logger threw; the message went on", {}, { cause: error }))) : opened;
  let connection: Connection | undefined;
  const router = new TurnRouter(settings.onNotification);
  const queue = new TurnQueue();
  const toolCalls = new ToolCalls({
    threads: settings.threadTools,
    approvalHandler: (threadId, turnId) => router.approvalHandlerFor(threadId, turnId) ?? settings.onApproval,
    interrupt: (threadId, turnId) => peer.request("turn/interrupt", { threadId, turnId }),
    onError: settings.onError,
  });
  const serverRequests = new ServerRequestDispatcher({
    handlers: settings.serverRequestHandlers,
    onApproval: settings.onApproval,
    turnApprovalHandler: (threadId, turnId) => router.approvalHandlerFor(threadId, turnId),
    timeoutMs: settings.serverRequestTimeoutMs,
    emit: (notification) => router.dispatch(notification),
    onError: settings.onError,
    toolCalls,
  });
  const peer = new RpcPeer(transport, {
    requestTimeoutMs: settings.requestTimeoutMs,
    maxInFlightRequests: settings.maxInFlightRequests,
    onNotification: (notification) => {
      queue.observe(notification as Notification);
      serverRequests.observe(notification as Notification);
      router.dispatch(notification as Notification);
    },
    onError: settings.onError,
    onClose: (error) => {
      serverRequests.close(error);
      router.failAll(error);
      queue.closeAll();
      if (connection) onClose(connection, error);
    },
  });
  serverRequests.attach(peer);
  /** A dropped message must not leave a waiter hanging: the request or turn it names ends with a ProtocolError. */
  const endWhatWaitedFor = ({ head, limit }: DroppedMessage): void => {
    const { responseId, method, threadId, turnId } = readMessageHead(head);
    const why = `was longer than maxLineLength (${limit}) and was dropped`;
    if (responseId !== undefined) {
      peer.rejectRequest(responseId, new ProtocolError(`The runtime's answer to request ${responseId} ${why}`));
    } else if (turnId !== undefined) {
      router.failTurn(turnId, new ProtocolError(`The runtime's ${method} notification of turn ${turnId} ${why}: the turn cannot be followed to its end`, { method }));
      if (method === "turn/completed" && threadId !== undefined) queue.turnEnded(threadId, turnId);
    }
  };
  try {
    await peer.start();
    signal?.throwIfAborted();
    const optOut = settings.optOutNotificationMethods.length > 0 ? { optOutNotificationMethods: settings.optOutNotificationMethods } : {};
    const params = { clientInfo: settings.clientInfo, capabilities: { experimentalApi: settings.experimentalApi, ...optOut } };
    const response = validate<InitializeResponse>(InitializeResponseSchema, await peer.request("initialize", params, { signal }), "initialize response");
    peer.notify("initialized");
    connection = { peer, router, queue, metadata: toMetadata(response), pid: transport.pid };
    return connection;
  } catch (error) {
    await peer.close();
    throw error;
  }
}

/** Splits `"name/1.2.3 (details)"` into name and version. */
function toMetadata(response: InitializeResponse): CodexMetadata {
  const [product = response.userAgent] = response.userAgent.split(" ");
  const slash = product.indexOf("/");
  return {
    serverName: slash === -1 ? product : product.slice(0, slash),
    serverVersion: slash === -1 ? "" : product.slice(slash + 1),
    userAgent: response.userAgent,
    platformFamily: response.platformFamily,
    platformOs: response.platformOs,
    codexHome: response.codexHome,
  };
}
