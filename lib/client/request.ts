import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { ClientRequest } from "../protocol/generated/index.js";
import { type ClientResponses, EXPERIMENTAL_CLIENT_METHODS } from "../protocol/client-methods.js";
import type { CallOptions } from "../session.js";

/** A method `codex.request()` can call: every client request of the pinned runtime except the `initialize` handshake. */
export type ClientMethod = Exclude<ClientRequest["method"], "initialize">;

/** The params of the client request `M`, from the generated protocol. */
export type ClientParams<M extends ClientMethod> = Extract<
  ClientRequest,
  {
    /** The request's method. */
    method: M;
  }
>["params"];

/** The result the runtime answers the client request `M` with, from the generated protocol. */
export type ClientResult<M extends ClientMethod> = M extends keyof ClientResponses ? ClientResponses[M] : never;

/** Options of `codex.request()` and `codex.requestUntyped()`. */
export interface RequestOptions extends CallOptions {
  /** How long to wait for the answer, in ms, instead of the client's `requestTimeoutMs`. */
  timeoutMs?: number | undefined;
}

/** The arguments after the method: `params` may be left out when the method takes none. */
export type RequestArguments<M extends ClientMethod> = undefined extends ClientParams<M>
  ? [params?: ClientParams<M>, options?: RequestOptions]
  : [params: ClientParams<M>, options?: RequestOptions];

const REQUEST_OPTIONS = ["signal", "timeoutMs", "trace"] as const;
const EXPERIMENTAL = new Set(EXPERIMENTAL_CLIENT_METHODS);

/**
 * Checks a raw request before anything is sent: the method, whether the client's API level allows
 * it, and the options.
 *
 * @throws {InvalidArgumentError} for `initialize` (the SDK sends it), an experimental method on a
 *   client made with `experimentalApi: false`, or a bad option.
 */
export function checkRawRequest(method: unknown, options: unknown, experimentalApi: boolean): RequestOptions {
  if (typeof method !== "string" || method.trim() === "") throw new InvalidArgumentError("method", `must be a non-empty string, got ${describe(method)}`);
  if (method === "initialize") throw new InvalidArgumentError("method", "initialize is sent by the SDK itself when the runtime starts");
  if (!experimentalApi && EXPERIMENTAL.has(method)) {
    throw new InvalidArgumentError("method", `${method} is part of the runtime's experimental API; it needs experimentalApi: true (the default), but this AsyncCodex was made with experimentalApi: false`);
  }
  checkObject(options, "options");
  checkKnownKeys(options, REQUEST_OPTIONS, "options");
  const { timeoutMs } = options as RequestOptions;
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !(timeoutMs > 0))) {
    throw new InvalidArgumentError("options.timeoutMs", `must be a positive number, got ${describe(timeoutMs)}`);
  }
  return options as RequestOptions;
}
