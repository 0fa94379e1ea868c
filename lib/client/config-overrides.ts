import { InvalidArgumentError } from "../errors.js";
import { describe } from "../arguments.js";

/**
 * Flattens a config object into `-c key=value` arguments for the runtime's command line, values
 * written as TOML. Nested objects become dotted keys, so `{ features: { apps: false } }` becomes
 * `-c features.apps=false`. A table with a key that is not bare TOML (letters, digits, `_`, `-`),
 * such as `{ projects: { "/work/app": { trust_level: "trusted" } } }`, is written whole as an
 * inline table: `-c projects={ "/work/app" = { trust_level = "trusted" } }`.
 *
 * @throws {InvalidArgumentError} naming the path of any value TOML cannot express (null, undefined,
 *   NaN, functions, …) or a top-level key that is not bare, before anything is spawned.
 */
export function configOverrideArgs(config: unknown, argument = "config"): string[] {
  if (config === undefined) return [];
  if (!isPlainObject(config)) throw new InvalidArgumentError(argument, `must be a plain object, got ${describe(config)}`);
  const args: string[] = [];
  const visit = (object: Record<string, unknown>, keyPath: string[]): void => {
    for (const [key, value] of Object.entries(object)) {
      const path = [...keyPath, key];
      // The runtime splits a -c key on every "." and does not unquote it, so only bare keys can be
      // path segments; a table holding any other key is written whole, where TOML quoting works.
      if (isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every(isBareKey)) visit(value, path);
      else args.push("-c", `${path.join(".")}=${tomlValue(value, `${argument}.${path.join(".")}`)}`);
    }
  };
  for (const key of Object.keys(config)) {
    if (!isBareKey(key)) throw new InvalidArgumentError(`${argument}.${key}`, "is not a config key (only letters, digits, _ and - are allowed at the top level)");
  }
  visit(config, []);
  return args;
}

/**
 * Checks a thread's `config` as {@link configOverrideArgs} checks the client's: a plain object
 * whose values TOML can express, at any depth. Its keys may be dotted paths (`"features.apps"`):
 * the runtime applies them as it applies `-c` keys.
 *
 * @throws {InvalidArgumentError} naming the path of the first value TOML cannot express.
 */
export function checkConfigValues(config: unknown, argument: string): void {
  if (!isPlainObject(config)) throw new InvalidArgumentError(argument, `must be an object, got ${describe(config)} (config.toml keys and their values)`);
  for (const [key, value] of Object.entries(config)) tomlValue(value, `${argument}.${key}`);
}

function isBareKey(key: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(key);
}

function tomlKey(key: string): string {
  return isBareKey(key) ? key : JSON.stringify(key);
}

/** A value in TOML syntax. JSON string escapes are valid TOML basic-string escapes. */
function tomlValue(value: unknown, argument: string): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return String(value);
    case "bigint":
      return String(value);
    case "number":
      if (!Number.isFinite(value)) throw new InvalidArgumentError(argument, `must be a finite number, got ${value}`);
      return String(value);
    case "object":
      if (Array.isArray(value)) return `[${value.map((item, index) => tomlValue(item, `${argument}[${index}]`)).join(", ")}]`;
      if (isPlainObject(value)) {
        return `{ ${Object.entries(value).map(([key, item]) => `${tomlKey(key)} = ${tomlValue(item, `${argument}.${key}`)}`).join(", ")} }`;
      }
  }
  throw new InvalidArgumentError(argument, `has no TOML representation: ${describe(value)}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
