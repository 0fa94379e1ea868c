import { InvalidArgumentError } from "../errors.js";
import type { AccountLoginCompletedNotification, CancelLoginAccountResponse } from "../protocol/generated/v2/index.js";
import type { Notification } from "../protocol/notification.js";
import { ObjectSchema } from "../protocol/schemas.js";
import { raceAbort } from "../abort.js";
import type { CallOptions, Session } from "../session.js";

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
  wait(options: CallOptions = {}): Promise<AccountLoginCompletedNotification> {
    return raceAbort(this.#completions.completion(this.loginId), options.signal);
  }

  /** Stops the login attempt; `wait()` then resolves with `success: false`. */
  cancel(options: CallOptions = {}): Promise<CancelLoginAccountResponse> {
    return this.#session.request("account/login/cancel", { loginId: this.loginId }, ObjectSchema, options);
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
