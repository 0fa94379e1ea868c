import { InvalidArgumentError } from "../errors.js";
import type { SandboxMode, SandboxPolicy } from "../protocol/generated/v2/index.js";
import { describe } from "../arguments.js";

/**
 * Sandbox presets: how much of the machine the runtime's commands may touch. Use the same value on
 * threads (`threadStart({ sandbox })`) and turns (`run(input, { sandbox })`); omit it for the
 * runtime's configured default. A turn's sandbox applies to that turn and the thread's later turns.
 *
 * @example
 * ```ts
 * const thread = await codex.threadStart({ sandbox: Sandbox.workspaceWrite });
 * ```
 */
export const Sandbox = {
  /** Read files; write nothing. */
  readOnly: "read-only",
  /** Read files; write inside the workspace and configured writable roots. */
  workspaceWrite: "workspace-write",
  /** No filesystem restrictions at all. */
  fullAccess: "danger-full-access",
} as const satisfies Record<string, SandboxMode>;

/** One of the {@link Sandbox} presets. */
export type Sandbox = (typeof Sandbox)[keyof typeof Sandbox];

const TURN_POLICIES: Record<Sandbox, SandboxPolicy> = {
  "read-only": { type: "readOnly", networkAccess: false },
  "workspace-write": { type: "workspaceWrite", writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false },
  "danger-full-access": { type: "dangerFullAccess" },
};

/** Validates a sandbox preset for a thread call (`sandbox` wire field). */
export function threadSandbox(sandbox: unknown, argument: string): SandboxMode | undefined {
  if (sandbox === undefined) return undefined;
  // hasOwn, not `in`: "toString" or "constructor" must not pass as a preset through the prototype.
  if (typeof sandbox === "string" && Object.hasOwn(TURN_POLICIES, sandbox)) return sandbox as Sandbox;
  throw new InvalidArgumentError(argument, `must be one of Sandbox.readOnly, Sandbox.workspaceWrite, Sandbox.fullAccess; got ${describe(sandbox)}`);
}

/** Maps a sandbox preset to a turn's `sandboxPolicy`. */
export function turnSandboxPolicy(sandbox: unknown, argument: string): SandboxPolicy | undefined {
  const mode = threadSandbox(sandbox, argument);
  return mode === undefined ? undefined : structuredClone(TURN_POLICIES[mode as Sandbox]);
}
