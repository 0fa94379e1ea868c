import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { AccountLoginCompletedNotification, CancelLoginAccountResponse } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { ChatgptLoginResponseSchema, DeviceCodeLoginResponseSchema, ObjectSchema } from "../protocol/schemas.js";
import { raceAbort } from "../abort.js";
import { checkOptions } from "../arguments.js";
import { CALL_OPTION_KEYS, type CallOptions, type Session } from "../session.js";

/**
 * Completions of interactive logins by login id, kept from the moment the runtime reports them, so
 * `wait()` resolves even when the completion came before it was called.
 */
export class LoginCompletions {
  readonly #entries = new Map<string, { promise: Promise<AccountLoginCompletedNotification>; resolve(value: AccountLoginCompletedNotification): void; reject(error: unknown): void }>();

  /** The completion of `loginId`, now or later. */
  completion(loginId: string): Promise<AccountLoginCompletedNotification> {
    return this.#entry(loginId).promise;
  }

  observe(notification: Notification): void {
    if (notification.method !== "account/login/completed" || notification.params.loginId === null) return;
    this.#entry(notification.params.loginId).resolve(notification.params);
  }

  /** The runtime is gone: logins still waiting will never complete. */
  failAll(error: unknown): void {
    for (const entry of this.#entries.values()) entry.reject(error);
    this.#entries.clear();
  }

  #entry(loginId: string) {
    let entry = this.#entries.get(loginId);
    if (!entry) {
      let resolve: (value: AccountLoginCompletedNotification) => void = () => {};
      let reject: (error: unknown) => void = () => {};
      const promise = new Promise<AccountLoginCompletedNotification>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A login nobody waits for must not become an unhandled rejection.
      promise.catch(() => {});
      entry = { promise, resolve, reject };
      this.#entries.set(loginId, entry);
    }
    return entry;
  }
}

/** An interactive login in progress: wait for it to finish, or cancel it. */
export class LoginHandle {
  /** The runtime's id of this login attempt. */
  readonly loginId: string;
  readonly #session: Session;
  readonly #completions: LoginCompletions;

  /** @internal Created by `AsyncCodex.loginChatgpt()` and `loginChatgptDeviceCode()`. */
  constructor(session: Session, completions: LoginCompletions, loginId: string) {
    if (typeof loginId !== "string" || loginId === "") throw new InvalidArgumentError("loginId", "must be a non-empty string");
    this.#session = session;
    this.#completions = completions;
    this.loginId = loginId;
  }

  /** Resolves with the runtime's `account/login/completed` for this login (`success`, `error`). */
  async wait(options: CallOptions = {}): Promise<AccountLoginCompletedNotification> {
    return raceAbort(this.#completions.completion(this.loginId), checkOptions(options, CALL_OPTION_KEYS).signal);
  }

  /** Stops the login attempt; `wait()` then resolves with `success: false`. */
  async cancel(options: CallOptions = {}): Promise<CancelLoginAccountResponse> {
    return this.#session.request("account/login/cancel", { loginId: this.loginId }, ObjectSchema, checkOptions(options, CALL_OPTION_KEYS));
  }
}

/** A browser login: open `authUrl`, then `wait()`. */
export class ChatgptLoginHandle extends LoginHandle {
  /** The URL to open in a browser to sign in. */
  readonly authUrl: string;

  /** @internal */
  constructor(session: Session, completions: LoginCompletions, loginId: string, authUrl: string) {
    super(session, completions, loginId);
    this.authUrl = authUrl;
  }
}

/** A device-code login: show `userCode` and `verificationUrl` to the user, then `wait()`. */
export class DeviceCodeLoginHandle extends LoginHandle {
  /** Where the user enters the code. */
  readonly verificationUrl: string;
  /** The code the user enters. */
  readonly userCode: string;

  /** @internal */
  constructor(session: Session, completions: LoginCompletions, loginId: string, verificationUrl: string, userCode: string) {
    super(session, completions, loginId);
    this.verificationUrl = verificationUrl;
    this.userCode = userCode;
  }
}

/** Starts a browser login (`account/login/start { type: "chatgpt" }`). */
export async function startChatgptLogin(session: Session, completions: LoginCompletions, options: CallOptions): Promise<ChatgptLoginHandle> {
  const response = await session.request<{ loginId: string; authUrl: string }>("account/login/start", { type: "chatgpt" }, ChatgptLoginResponseSchema, options);
  return new ChatgptLoginHandle(session, completions, response.loginId, response.authUrl);
}

/** Starts a device-code login (`account/login/start { type: "chatgptDeviceCode" }`). */
export async function startDeviceCodeLogin(session: Session, completions: LoginCompletions, options: CallOptions): Promise<DeviceCodeLoginHandle> {
  const response = await session.request<{ loginId: string; verificationUrl: string; userCode: string }>(
    "account/login/start",
    { type: "chatgptDeviceCode" },
    DeviceCodeLoginResponseSchema,
    options,
  );
  return new DeviceCodeLoginHandle(session, completions, response.loginId, response.verificationUrl, response.userCode);
}

/**
 * ChatGPT tokens a host already holds, handed to the runtime with `codex.loginChatgptAuthTokens()`
 * and returned again by an `onChatgptAuthTokensRefresh` handler. The runtime keeps them in memory
 * only, and asks the host for fresh ones (`account/chatgptAuthTokens/refresh`) when they expire.
 */
export interface ChatgptAuthTokens {
  /** The ChatGPT access token (a JWT). */
  accessToken: string;
  /** The ChatGPT workspace (account) id. */
  chatgptAccountId: string;
  /** The plan, e.g. `"plus"`; `null` or omitted: read from the token's claims. */
  chatgptPlanType?: string | null | undefined;
}

/**
 * Checks handed-over ChatGPT tokens. Error messages name the field, never its value.
 *
 * @returns the `account/login/start` params.
 */
export function chatgptAuthTokensLogin(tokens: unknown, argument = "tokens"): Record<string, unknown> {
  checkObject(tokens, argument);
  checkKnownKeys(tokens, ["accessToken", "chatgptAccountId", "chatgptPlanType"], argument);
  const { accessToken, chatgptAccountId, chatgptPlanType = null } = tokens;
  if (typeof accessToken !== "string" || accessToken.trim() === "") throw new InvalidArgumentError(`${argument}.accessToken`, `must be a non-empty string, got ${typeof accessToken === "string" ? "an empty string" : describe(accessToken)}`);
  if (typeof chatgptAccountId !== "string" || chatgptAccountId.trim() === "") throw new InvalidArgumentError(`${argument}.chatgptAccountId`, "must be a non-empty string");
  if (chatgptPlanType !== null && typeof chatgptPlanType !== "string") throw new InvalidArgumentError(`${argument}.chatgptPlanType`, `must be a string or null, got ${describe(chatgptPlanType)}`);
  return { type: "chatgptAuthTokens", accessToken, chatgptAccountId, chatgptPlanType };
}
