import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { ASYNC_CODEX_OPTION_KEYS, type AsyncCodexOptions } from "../client/options.js";
import { type CodexError, InvalidArgumentError } from "../errors.js";

/** What every pool accepts besides its members. */
export interface PoolSettings {
  /**
   * When a member's runtime dies, resume its threads on the least loaded healthy member at their
   * next call (`true`), or keep each on its own member and resume it there once that member is
   * restarted (`false`). Either way the open turns of the dead runtime reject with
   * `TransportClosedError`. Default: `true`.
   */
  failover?: boolean;
}

/** `new CodexPool({ spawn: 3, ...options })`: that many local runtimes, all with these options (one `CODEX_HOME`). */
export interface SpawnedPoolOptions extends AsyncCodexOptions, PoolSettings {
  /** How many runtimes to spawn (on demand). */
  spawn: number;
  /** Not with `spawn`. */
  members?: undefined;
}

/** `new CodexPool({ members: [options, …] })`: one member per entry, each an `AsyncCodex` options object. */
export interface MemberListPoolOptions extends PoolSettings {
  /** The members' options, one entry per runtime. Local members should share one `codexHome`. */
  members: AsyncCodexOptions[];
  /** Receives problems the pool survives (failed restarts, failed handovers). Default: ignore them. */
  onError?: (error: CodexError) => void;
  /** Not with `members`. */
  spawn?: undefined;
}

/** Options of {@link CodexPool}: spawned members, or a list of members. */
export type CodexPoolOptions = SpawnedPoolOptions | MemberListPoolOptions;

/** Options checked: what `CodexPool` keeps. */
export interface ResolvedPoolOptions {
  members: AsyncCodexOptions[];
  /** What `add()` without options spawns: the spawn options, when the pool was given `spawn`. */
  template: AsyncCodexOptions | undefined;
  failover: boolean;
  onError: (error: CodexError) => void;
}

const POOL_KEYS = ["failover"] as const;

/**
 * Checks the pool's options and each member's keys (an `AsyncCodex` checks the values when the
 * member is made).
 *
 * @throws {InvalidArgumentError} naming the first invalid option, before anything is spawned.
 */
export function resolvePoolOptions(options: CodexPoolOptions): ResolvedPoolOptions {
  checkObject(options, "options");
  const { failover = true } = options;
  if (typeof failover !== "boolean") throw new InvalidArgumentError("options.failover", `must be a boolean, got ${describe(failover)}`);
  if (options.members !== undefined) {
    checkKnownKeys(options, [...POOL_KEYS, "members", "onError", "spawn"], "options");
    const { members, onError = () => {} } = options;
    if (options.spawn !== undefined) throw new InvalidArgumentError("options.spawn", "cannot be combined with options.members");
    if (!Array.isArray(members) || members.length === 0) throw new InvalidArgumentError("options.members", `must be a non-empty array of AsyncCodex options, got ${describe(members)}`);
    if (typeof onError !== "function") throw new InvalidArgumentError("options.onError", `must be a function, got ${describe(onError)}`);
    return { members: members.map((member, index) => checkMemberOptions(member, `options.members[${index}]`)), template: undefined, failover, onError };
  }
  checkKnownKeys(options, [...POOL_KEYS, "spawn", "members", ...ASYNC_CODEX_OPTION_KEYS], "options");
  const { spawn, failover: _failover, members: _members, ...member } = options;
  if (!Number.isInteger(spawn) || spawn < 1) throw new InvalidArgumentError("options.spawn", `must be a positive integer, got ${describe(spawn)}`);
  const template = withFastUnload(member);
  return { members: Array.from({ length: spawn }, () => template), template, failover, onError: member.onError ?? (() => {}) };
}

/** Checks the keys of one member's options, e.g. for `pool.add()`. */
export function checkMemberOptions(options: unknown, argument: string): AsyncCodexOptions {
  checkObject(options, argument);
  checkKnownKeys(options, ASYNC_CODEX_OPTION_KEYS, argument);
  return withFastUnload(options as AsyncCodexOptions);
}

/**
 * A spawned member unloads a thread at once when nobody is subscribed (`thread_unload_delay_secs
 * = 0`, unless the options set it), so a handover does not wait the runtime's default 60 s for the
 * thread's writer lock. Remote members are configured by whoever runs them.
 */
function withFastUnload(options: AsyncCodexOptions): AsyncCodexOptions {
  if ("remote" in options) return options;
  return { ...options, config: { thread_unload_delay_secs: 0, ...options.config } };
}
