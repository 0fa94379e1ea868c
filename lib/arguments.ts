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
