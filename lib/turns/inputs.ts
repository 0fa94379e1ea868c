import { statSync } from "node:fs";
import { resolve } from "node:path";
import { describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { UserInput } from "../protocol/generated/v2/index.js";

/** Plain text. */
export interface TextInput {
  /** Always `"text"`. */
  type: "text";
  /** The text. */
  text: string;
}
/**
 * An image inline, as a data URL. The runtime refuses remote URLs (`https://…`): fetch the image
 * yourself and pass its bytes as a data URL, or save it and pass a {@link LocalImageInput}.
 */
export interface ImageInput {
  /** Always `"image"`. */
  type: "image";
  /** A `data:image/…;base64,…` URL, e.g. `` `data:image/png;base64,${bytes.toString("base64")}` ``. */
  url: string;
}
/** An image file, by a path absolute or relative to the current directory; the runtime reads and inlines it. */
export interface LocalImageInput {
  /** Always `"localImage"`. */
  type: "localImage";
  /** The image file; it must exist when the turn starts. */
  path: string;
}
/** A skill: the runtime injects the skill file's instructions. */
export interface SkillInput {
  /** Always `"skill"`. */
  type: "skill";
  /** The skill's name. */
  name: string;
  /** The path of the skill's file. */
  path: string;
}
/** A mention of a file or resource by name and path. */
export interface MentionInput {
  /** Always `"mention"`. */
  type: "mention";
  /** The name shown for the file or resource. */
  name: string;
  /** Its path. */
  path: string;
}

/** One input item of a turn. */
export type InputItem = TextInput | ImageInput | LocalImageInput | SkillInput | MentionInput;

/**
 * What a turn accepts: a string (shorthand for one text item), one item, or an array of items.
 *
 * @example
 * ```ts
 * await thread.run("Describe the repository");
 * await thread.run([{ type: "text", text: "What is in it?" }, { type: "localImage", path: "./shot.png" }]);
 * await thread.run([{ type: "text", text: "And here?" }, { type: "image", url: `data:image/png;base64,${png.toString("base64")}` }]);
 * ```
 */
export type Input = string | InputItem | readonly InputItem[];

const STRING_FIELDS: Record<InputItem["type"], readonly string[]> = {
  text: ["text"],
  image: ["url"],
  localImage: ["path"],
  skill: ["name", "path"],
  mention: ["name", "path"],
};

/**
 * Checks `input` and converts it to the runtime's `UserInput[]`.
 *
 * @param argument how to name the input in errors, e.g. `"input"`.
 * @throws {InvalidArgumentError} before anything is sent, naming the offending item and field.
 */
export function toWireInput(input: unknown, argument = "input"): UserInput[] {
  if (typeof input === "string") {
    if (input.trim() === "") throw new InvalidArgumentError(argument, "must not be an empty string");
    return [{ type: "text", text: input, text_elements: [] }];
  }
  const items = Array.isArray(input) ? input : [input];
  if (items.length === 0) throw new InvalidArgumentError(argument, "must contain at least one item");
  return items.map((item: unknown, index) => toWireItem(item, Array.isArray(input) ? `${argument}[${index}]` : argument));
}

function toWireItem(item: unknown, argument: string): UserInput {
  if (item === null || typeof item !== "object") {
    throw new InvalidArgumentError(argument, `must be a string or an input item object, got ${describe(item)}`);
  }
  const { type } = item as { type?: unknown };
  // hasOwn, not a plain lookup: `type: "toString"` must not find Object.prototype.toString.
  const fields = typeof type === "string" && Object.hasOwn(STRING_FIELDS, type) ? STRING_FIELDS[type as InputItem["type"]] : undefined;
  if (fields === undefined) {
    throw new InvalidArgumentError(`${argument}.type`, `must be one of ${Object.keys(STRING_FIELDS).join(", ")}; got ${describe(type)}`);
  }
  for (const field of fields) {
    const value = (item as Record<string, unknown>)[field];
    if (typeof value !== "string") throw new InvalidArgumentError(`${argument}.${field}`, `must be a string, got ${describe(value)}`);
    if (value.trim() === "") throw new InvalidArgumentError(`${argument}.${field}`, "must not be empty");
  }
  const { text, url, path, name } = item as Partial<Record<"text" | "url" | "path" | "name", string>>;
  switch (type as InputItem["type"]) {
    case "text":
      return { type: "text", text: text as string, text_elements: [] };
    case "image":
      return { type: "image", url: dataUrl(url as string, `${argument}.url`) };
    case "localImage":
      return { type: "localImage", path: existingFile(path as string, `${argument}.path`) };
    case "skill":
    case "mention":
      return { type: type as "skill" | "mention", name: name as string, path: path as string };
  }
}

/**
 * `url` when it is a data URL. Checked here because the runtime refuses every other URL ("remote
 * image URLs are not supported"), and the turn would fail after it was sent.
 */
function dataUrl(url: string, argument: string): string {
  if (/^data:/i.test(url)) return url;
  throw new InvalidArgumentError(argument, `the runtime accepts only data URLs: pass "data:image/png;base64,…", or { type: "localImage", path } for a file; got ${describe(url)}`);
}

/**
 * The absolute path of an existing file. Checked here because the runtime does not fail on a
 * missing image: it silently sends the model "image content omitted" instead.
 */
function existingFile(path: string, argument: string): string {
  const absolute = resolve(path);
  if (!statSync(absolute, { throwIfNoEntry: false })?.isFile()) throw new InvalidArgumentError(argument, `no such file: ${absolute}`);
  return absolute;
}

