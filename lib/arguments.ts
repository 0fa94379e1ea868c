/**
 * Checks of what callers pass in, for JavaScript callers and values the types cannot see. Each
 * failure is an {@link InvalidArgumentError} naming the argument, thrown before anything is sent.
 *
 * @module
 */
import { InvalidArgumentError } from "./errors.js";

/** A short, safe description of a value for error messages (strings are cut, objects not dumped). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/** Throws unless `value` is a non-array object. */
export function checkObject(value: unknown, argument: string): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InvalidArgumentError(argument, `must be an object, got ${describe(value)}`);
  }
}

/** The entries of `params` whose value is not `undefined`. */
export function withoutUndefined(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

/** Throws unless each of `keys` of `options` is a string or `undefined`; returns those entries. */
export function checkStringOptions(options: Record<string, unknown>, keys: readonly string[], argument = "options"): Record<string, unknown> {
  const entries = keys.map((key) => [key, options[key]] as const);
  for (const [key, value] of entries) {
    if (value !== undefined && typeof value !== "string") throw new InvalidArgumentError(`${argument}.${key}`, `must be a string, got ${describe(value)}`);
  }
  return Object.fromEntries(entries);
}

/** Throws unless `value` is a function or `undefined`. */
export function checkFunction(value: unknown, argument: string): void {
  if (value !== undefined && typeof value !== "function") throw new InvalidArgumentError(argument, `must be a function, got ${describe(value)}`);
}

/**
 * Throws unless `signal` is an `AbortSignal` (of this realm, or one that works like it: `aborted`
 * and the listener methods) or `undefined`. For JavaScript callers: anything else would fail deep
 * inside with `signal.addEventListener is not a function`, or never abort.
 */
export function checkSignal(signal: unknown, argument = "options.signal"): asserts signal is AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return;
  const candidate = signal as Partial<AbortSignal> | null;
  const works = typeof candidate === "object" && candidate !== null && typeof candidate.aborted === "boolean" && typeof candidate.addEventListener === "function" && typeof candidate.removeEventListener === "function";
  if (!works) {
    throw new InvalidArgumentError(argument, `must be an AbortSignal (e.g. AbortSignal.timeout(ms) or controller.signal), got ${describe(signal)}`);
  }
}

/**
 * Checks an options argument: `undefined` (none given) or an object whose keys are all `known`,
 * with a valid `signal` when it has one. Returns the options, `{}` for `undefined`.
 *
 * @throws {InvalidArgumentError} naming the argument or the offending key.
 */
export function checkOptions<T extends object>(options: T | undefined, known: readonly string[], argument = "options"): T {
  if (options === undefined) return {} as T;
  checkObject(options, argument);
  checkKnownKeys(options, known, argument);
  checkSignal((options as { signal?: unknown }).signal, `${argument}.signal`);
  return options;
}

/**
 * Lists the keys of the options type `T` at run time, for {@link checkKnownKeys}. A key of `T`
 * missing from the list fails to type-check, so adding an option without listing it cannot
 * make the SDK reject it.
 *
 * @example
 * ```ts
 * const KEYS = optionKeys<CallOptions & { includeHidden?: boolean }>()(["signal", "includeHidden"]);
 * ```
 */
export function optionKeys<T extends object>() {
  return <const K extends readonly (keyof T & string)[]>(keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })): readonly string[] => keys;
}

/**
 * Throws unless every key of `options` is one of `known`: a misspelt option (`onApprove` for
 * `onApproval`) would otherwise be ignored without a word. Suggests the closest known key.
 *
 * @example
 * ```ts
 * checkKnownKeys({ onApprove }, ["onApproval", "signal"], "options");
 * // InvalidArgumentError: options.onApprove: is not a known option; did you mean onApproval?
 * ```
 */
export function checkKnownKeys(options: object, known: readonly string[], argument: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const suggestion = closest(key, known);
    throw new InvalidArgumentError(`${argument}.${key}`, `is not a known option${suggestion ? `; did you mean ${suggestion}?` : ""} (known: ${known.join(", ")})`);
  }
}

/** The known name nearest to `name`, when it is near enough to be a likely typo. */
function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  // A third of the name may differ: `onApprove` → `onApproval`, but not `foo` → `cwd`.
  return best && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.name : undefined;
}

/** Edit distance counting a swap of two neighbours as one edit (`modle` → `model`), as typos go. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let distance = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, (before[j - 2] as number) + 1);
      current.push(distance);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] as number;
}
