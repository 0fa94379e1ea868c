import type * as v from "valibot";
import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import { ConcurrencyLimit } from "../rpc/concurrency-limit.js";
import { isValibotSchema, type JsonSchema, valibotToJsonSchema } from "../turns/structured-output.js";

/** What a tool's `execute` gets besides its arguments. */
export interface ToolContext {
  /**
   * Aborts when the answer is moot: the turn was interrupted (also by its `signal`) or ended, the
   * tool's `timeoutMs` passed, or the runtime went away. Pass it on to `fetch` and the like.
   */
  signal: AbortSignal;
  /** The thread the call belongs to. */
  threadId: string;
  /** The turn the call belongs to. */
  turnId: string;
  /** The model's id of this call (the `call_id` of its `function_call`). */
  callId: string;
}

/**
 * What {@link tool} takes.
 *
 * @typeParam S the valibot schema of the arguments.
 */
export interface ToolDefinition<S extends v.GenericSchema> {
  /** The name the model calls the tool by: letters, digits, `_` and `-` only (`^[a-zA-Z0-9_-]+$`). */
  name: string;
  /** What the tool does and when to use it, for the model. */
  description: string;
  /**
   * The arguments, as a valibot object schema. It is converted to JSON Schema for the model like
   * `outputSchema` is (`v.optional(…)` entries are allowed here), and every call's arguments are
   * validated against it before `execute` runs.
   */
  parameters: S;
  /**
   * Runs the tool. Its arguments are already parsed and validated. The value it returns (or
   * resolves to) is what the model gets: a string as is, an image made by {@link toolImage}, an
   * array of strings and images as one part each, `undefined` as `"(no output)"`, and any other
   * value as JSON text. A throw (or a rejection) tells the model the tool failed, and why.
   */
  execute(args: v.InferOutput<S>, context: ToolContext): unknown;
  /**
   * Longest a call may run, in ms. After that its `signal` aborts and the model is told the tool
   * timed out. Default: none of its own; `serverRequestTimeoutMs` (10 minutes) still bounds every call.
   */
  timeoutMs?: number | undefined;
  /** Most calls of this tool running at once, across threads; further calls wait their turn. Default: no limit. */
  concurrency?: number | undefined;
  /**
   * Ask `onApproval` (the turn's, else the client's) before each call, with a request of type
   * `"toolCall"`. Without a handler, or when it throws, the call is declined. Default `false`: the
   * runtime asks no approval for client-side tools, whatever the approval mode.
   */
  needsApproval?: boolean | undefined;
}

/**
 * A client-side tool made by {@link tool}: declare it with `threadStart({ tools: [...] })`.
 *
 * @typeParam S the valibot schema of the arguments.
 */
export interface Tool<S extends v.GenericSchema = v.GenericSchema> {
  /** The name the model calls it by. */
  readonly name: string;
  /** What it does, for the model. */
  readonly description: string;
  /** The valibot schema of its arguments. */
  readonly parameters: S;
  /** Its arguments as JSON Schema, as sent to the runtime (`inputSchema`). */
  readonly inputSchema: JsonSchema;
  /** Longest a call may run, in ms, if limited. */
  readonly timeoutMs: number | undefined;
  /** Most calls running at once, if limited. */
  readonly concurrency: number | undefined;
  /** Whether `onApproval` is asked before each call. */
  readonly needsApproval: boolean;
  /** Runs the tool (the SDK calls it; call it yourself to unit-test the tool). */
  execute(args: v.InferOutput<S>, context: ToolContext): unknown;
}

/**
 * Client-side tools grouped under a namespace; the model sees them as one namespace tool. The
 * name follows the same rule as tool names.
 */
export interface ToolNamespace {
  /** The namespace's name. */
  readonly name: string;
  /** What the tools of the namespace are for. Default `""`. */
  readonly description?: string | undefined;
  /** Its tools, at least one; namespaces do not nest. */
  readonly tools: readonly Tool[];
}

/** Slots of tools with a `concurrency` limit, kept out of the public object. */
const limits = new WeakMap<Tool, ConcurrencyLimit>();

const DEFINITION_KEYS = ["name", "description", "parameters", "execute", "timeoutMs", "concurrency", "needsApproval"] as const;

/** The rule the runtime holds tool and namespace names to (the Responses API's). */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;

/**
 * Defines a client-side tool: a TypeScript function the agent can call, typed by a valibot schema.
 * Nothing is sent until a thread declares it (`threadStart({ tools })`). The runtime asks no
 * approval for it under any approval mode: `execute` is your own trust boundary (see `needsApproval`).
 *
 * @throws {InvalidArgumentError} for a bad definition, e.g. a name the runtime refuses or a schema it cannot express.
 * @example
 * ```ts
 * const lookupCustomer = tool({
 *   name: "lookup_customer",
 *   description: "Find a customer by email address",
 *   parameters: v.object({ email: v.pipe(v.string(), v.email()) }),
 *   execute: async ({ email }, { signal }) => (await db.findCustomer(email, { signal })) ?? "no such customer",
 * });
 * const thread = await codex.threadStart({ tools: [lookupCustomer] });
 * ```
 */
export function tool<S extends v.GenericSchema>(definition: ToolDefinition<S>): Tool<S> {
  checkObject(definition, "definition");
  checkKnownKeys(definition, DEFINITION_KEYS, "definition");
  const { name, description, parameters, execute, timeoutMs, concurrency, needsApproval = false } = definition;
  checkToolName(name, "definition.name");
  const argument = `tool "${name}"`;
  if (typeof description !== "string") throw new InvalidArgumentError(`${argument}.description`, `must be a string, got ${describe(description)}`);
  if (!isValibotSchema(parameters)) throw new InvalidArgumentError(`${argument}.parameters`, `must be a valibot schema, got ${describe(parameters)}`);
  const inputSchema = valibotToJsonSchema(parameters, `${argument}.parameters`, { purpose: "tool parameters", optionalProperties: true });
  if (inputSchema.type !== "object") throw new InvalidArgumentError(`${argument}.parameters`, "must be an object schema (v.object({ … })): the model passes arguments by name");
  if (typeof execute !== "function") throw new InvalidArgumentError(`${argument}.execute`, `must be a function, got ${describe(execute)}`);
  if (timeoutMs !== undefined && !(typeof timeoutMs === "number" && timeoutMs > 0)) throw new InvalidArgumentError(`${argument}.timeoutMs`, `must be a positive number, got ${describe(timeoutMs)}`);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) throw new InvalidArgumentError(`${argument}.concurrency`, `must be a positive integer, got ${describe(concurrency)}`);
  if (typeof needsApproval !== "boolean") throw new InvalidArgumentError(`${argument}.needsApproval`, `must be a boolean, got ${describe(needsApproval)}`);
  const made: Tool<S> = Object.freeze({ name, description, parameters, inputSchema, timeoutMs, concurrency, needsApproval, execute });
  limits.set(made, new ConcurrencyLimit(concurrency ?? Number.POSITIVE_INFINITY));
  return made;
}

/** True for a tool made by {@link tool} (not a look-alike object, whose checks never ran). */
export function isTool(value: unknown): value is Tool {
  return typeof value === "object" && value !== null && limits.has(value as Tool);
}

/** Throws unless `name` is a name the runtime accepts for a tool or a namespace. */
export function checkToolName(name: unknown, argument: string): asserts name is string {
  if (typeof name !== "string" || !TOOL_NAME_PATTERN.test(name)) {
    throw new InvalidArgumentError(argument, `must match ${TOOL_NAME_PATTERN.source} (letters, digits, _ and -), got ${describe(name)}`);
  }
}

/**
 * Waits for a free slot of the tool's `concurrency` limit; resolves with what frees it. Rejects
 * with the signal's reason if it aborts first (the wait is then dropped).
 */
export function acquireSlot(made: Tool, signal: AbortSignal): Promise<() => void> {
  const limit = limits.get(made) as ConcurrencyLimit;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let started = false;
    const onAbort = (): void => {
      leave();
      reject(signal.reason);
    };
    // `start` may run inside enter(), before `leave` is assigned: the release reads it later.
    const leave = limit.enter(() => {
      started = true;
      signal.removeEventListener("abort", onAbort);
      resolve(() => leave());
    });
    if (!started) signal.addEventListener("abort", onAbort, { once: true });
  });
}
