/**
 * The SDK's error hierarchy. Every error it throws is a {@link CodexError}, so one `instanceof`
 * check catches them all, and each subclass narrows what went wrong:
 *
 * ```text
 * CodexError
 * ├── JsonRpcError                 the runtime answered a request with an error
 * │   ├── ParseError               -32700
 * │   ├── InvalidRequestError      -32600
 * │   │   └── ThreadNotFoundError  the runtime does not have the thread (not stored, not loaded)
 * │   ├── MethodNotFoundError      -32601
 * │   ├── InvalidParamsError       -32602
 * │   ├── InternalRpcError         -32603
 * │   └── ServerBusyError          -32001, or "server_overloaded" in data: retry later
 * │       └── RetryLimitExceededError
 * ├── TransportClosedError         the runtime exited or the connection closed
 * ├── AuthenticationError          a remote runtime refused the connection's credentials (401/403)
 * ├── RequestTimeoutError          no answer within requestTimeoutMs
 * ├── TurnTimeoutError             a turn passed turnIdleTimeoutMs or turnTimeoutMs and was interrupted
 * ├── ThreadBusyError              turn/start joined a turn this client did not start for that call
 * ├── CodexNotFoundError           no runtime binary to start
 * ├── ProtocolError                the runtime sent something the SDK cannot use
 * ├── InvalidArgumentError         a caller passed a bad argument; nothing was sent
 * ├── StructuredOutputError        the final response did not match the turn's output schema
 * ├── ThreadOwnedElsewhereError    a runtime outside the pool is the thread's writer
 * ├── TurnFailedError              a turn ended with status "failed" (from the turns module)
 * │   └── GoalFailedError          a turn of a goal failed; result has the goal (from the goals module)
 * └── ToolCallError                a client-side tool call failed (to onError; from the tools module)
 * ```
 *
 * One family a file in `lib/errors/`: the base (`codex-error.ts`), the runtime's JSON-RPC answers
 * (`json-rpc-errors.ts`), the connection to the runtime (`connection-errors.ts`), turns
 * (`turn-errors.ts`), threads (`thread-errors.ts`) and the caller's arguments
 * (`invalid-argument-error.ts`). Import them from here.
 *
 * @module
 */

export * from "./errors/codex-error.js";
export * from "./errors/json-rpc-errors.js";
export * from "./errors/connection-errors.js";
export * from "./errors/turn-errors.js";
export * from "./errors/thread-errors.js";
export * from "./errors/invalid-argument-error.js";
