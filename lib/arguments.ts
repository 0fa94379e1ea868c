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

/** Throws unless every key of `options` is in `known` and its value is a string or `undefined`. */
export function checkStringOptions(options: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  for (const [key, value] of Object.entries(options)) {
    if (!known.includes(key)) throw new InvalidArgumentError(`options.${key}`, "is not a known option");
    if (value !== undefined && typeof value !== "string") throw new InvalidArgumentError(`options.${key}`, `must be a string, got ${describe(value)}`);
  }
  return options;
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

/** Levenshtein distance, with one row of memory. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
