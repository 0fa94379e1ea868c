import { type CodexError, ProtocolError } from "../errors.js";
import type { InitializeResponse } from "../protocol/generated/index.js";
import type { Notification } from "../protocol/notification.js";
import { InitializeResponseSchema, validate } from "../protocol/schemas.js";
import { type MessageLogger, withMessageLog } from "../rpc/message-log.js";
import { type RpcChannel, RpcPeer } from "../rpc/peer.js";
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
import { ResumingChannel } from "./reconnect.js";

/** Who the SDK says it is in `initialize`. */
export interface ClientInfo {
  /** Machine-readable client name; the runtime puts it in its user agent. */
  name: string;
  /** Human-readable name. */
  title?: string | undefined;
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
  /** Reconnect and resume within this many ms when the connection drops; `undefined`: don't. */
  reconnectTimeoutMs: number | undefined;
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

/** One running runtime: the JSON-RPC channel to it, its turn routing and its per-thread turn queue. */
export interface Connection {
  readonly peer: RpcChannel;
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
 * With `reconnectTimeoutMs`, a dropped connection is reopened and resumed (see {@link ResumingChannel}).
 *
 * @param onClose called once if the runtime exits or the connection closes later (for good).
 * @param signal aborting it gives up the start: the handshake stops waiting and the process is
 *   closed at once, instead of after `requestTimeoutMs` (a runtime that never answers `initialize`).
 */
export async function openConnection(
  settings: ConnectionSettings,
  onClose: (connection: Connection, error: TransportClosedError) => void,
  signal?: AbortSignal,
): Promise<Connection> {
  let connection: Connection | undefined;
  let resuming: ResumingChannel | undefined;
  const router = new TurnRouter(settings.onNotification, { resumable: settings.reconnectTimeoutMs !== undefined });
  const queue = new TurnQueue();
  const toolCalls = new ToolCalls({
    threads: settings.threadTools,
    approvalHandler: (threadId, turnId) => router.approvalHandlerFor(threadId, turnId) ?? settings.onApproval,
    // Tool calls arrive only once the connection is open.
    interrupt: (threadId, turnId) => (connection as Connection).peer.request("turn/interrupt", { threadId, turnId }),
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
  const closeForGood = (error: TransportClosedError): void => {
    serverRequests.close(error);
    router.failAll(error);
    queue.closeAll();
    if (connection) onClose(connection, error);
  };
  const deliver = (notification: Notification): void => {
    resuming?.observe(notification);
    queue.observe(notification);
    serverRequests.observe(notification);
    router.dispatch(notification);
  };
  const links: LinkOpener = (onDrop, linkSignal) =>
    openLink(settings, {
      onNotification: deliver,
      attach: (peer) => serverRequests.attach(peer),
      onDropped: (peer, message) => endWhatWaitedFor(peer, message),
      onClose: onDrop,
    }, linkSignal);
  /** A dropped message must not leave a waiter hanging: the request or turn it names ends with a ProtocolError. */
  const endWhatWaitedFor = (peer: RpcPeer, { head, limit }: DroppedMessage): void => {
    const { responseId, method, threadId, turnId } = readMessageHead(head);
    const why = `was longer than maxLineLength (${limit}) and was dropped`;
    if (responseId !== undefined) {
      peer.rejectRequest(responseId, new ProtocolError(`The runtime's answer to request ${responseId} ${why}`));
    } else if (turnId !== undefined) {
      router.failTurn(turnId, new ProtocolError(`The runtime's ${method} notification of turn ${turnId} ${why}: the turn cannot be followed to its end`, { method }));
      if (method === "turn/completed" && threadId !== undefined) queue.turnEnded(threadId, turnId);
    }
  };
  const { reconnectTimeoutMs } = settings;
  if (reconnectTimeoutMs === undefined) {
    const link = await links(closeForGood, signal);
    connection = { peer: link.peer, router, queue, metadata: link.metadata, pid: link.pid };
    return connection;
  }
  resuming = await ResumingChannel.open({ links, router, deliver, timeoutMs: reconnectTimeoutMs, onClose: closeForGood, onError: settings.onError }, signal);
  connection = { peer: resuming, router, queue, metadata: resuming.metadata, pid: resuming.pid };
  return connection;
}

/** One transport to the runtime with its peer, initialized. */
export interface Link {
  readonly peer: RpcPeer;
  readonly metadata: CodexMetadata;
  readonly pid: number | undefined;
}

/** Opens a fresh {@link Link}; `onDrop` is called once when it closes. */
export type LinkOpener = (onDrop: (error: TransportClosedError) => void, signal?: AbortSignal) => Promise<Link>;

/** Makes a transport, attaches the server-request handlers, and runs `initialize` / `initialized` on it. */
async function openLink(
  settings: ConnectionSettings,
  wiring: {
    onNotification(notification: Notification): void;
    attach(peer: RpcPeer): void;
    onDropped(peer: RpcPeer, message: DroppedMessage): void;
    onClose(error: TransportClosedError): void;
  },
  signal: AbortSignal | undefined,
): Promise<Link> {
  const made = settings.transport({ onError: settings.onError, onDropped: (message) => wiring.onDropped(peer, message) });
  const transport = settings.logger ? withMessageLog(made, settings.logger, (error) => settings.onError(new ProtocolError("The logger threw; the message went on", {}, { cause: error }))) : made;
  let opened = false;
  const peer = new RpcPeer(transport, {
    requestTimeoutMs: settings.requestTimeoutMs,
    maxInFlightRequests: settings.maxInFlightRequests,
    onNotification: (notification) => wiring.onNotification(notification as Notification),
    onError: settings.onError,
    onClose: (error) => {
      if (opened) wiring.onClose(error);
    },
  });
  wiring.attach(peer);
  try {
    await peer.start();
    signal?.throwIfAborted();
    const optOut = settings.optOutNotificationMethods.length > 0 ? { optOutNotificationMethods: settings.optOutNotificationMethods } : {};
    const params = { clientInfo: settings.clientInfo, capabilities: { experimentalApi: settings.experimentalApi, ...optOut } };
    const response = validate<InitializeResponse>(InitializeResponseSchema, await peer.request("initialize", params, { signal }), "initialize response");
    peer.notify("initialized");
    opened = true;
    return { peer, metadata: toMetadata(response), pid: transport.pid };
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
