import { describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { DynamicToolCallOutputContentItem, DynamicToolCallResponse } from "../protocol/generated/v2/index.js";

/** An image a tool returns to the model; make one with {@link toolImage}. */
export interface ToolImage {
  /** Always `"toolImage"`. */
  readonly type: "toolImage";
  /** The image as a `data:image/…;base64,…` URL. */
  readonly dataUrl: string;
}

const DATA_URL = /^data:image\/[a-z0-9.+-]+;base64,[A-Za-z0-9+/]*={0,2}$/i;

/**
 * An image for a tool's result, inline as a data URL: the runtime refuses remote (`https:`) image
 * URLs ("use an inline data URL instead").
 *
 * @param image a `data:image/…;base64,…` URL, or the image's bytes (then give `mimeType`).
 * @param mimeType the type of `image` when it is bytes, e.g. `"image/png"`.
 * @throws {InvalidArgumentError} for anything else.
 * @example
 * ```ts
 * const chart = tool({
 *   name: "sales_chart", description: "Draw this month's sales", parameters: v.object({}),
 *   execute: async () => ["Sales by day:", toolImage(await renderChart(), "image/png")],
 * });
 * ```
 */
export function toolImage(image: string | Uint8Array, mimeType?: string): ToolImage {
  if (image instanceof Uint8Array) {
    if (typeof mimeType !== "string" || !/^image\/[a-z0-9.+-]+$/i.test(mimeType)) throw new InvalidArgumentError("mimeType", `must be an image type such as "image/png", got ${describe(mimeType)}`);
    return Object.freeze({ type: "toolImage", dataUrl: `data:${mimeType};base64,${Buffer.from(image).toString("base64")}` });
  }
  if (typeof image !== "string" || !DATA_URL.test(image)) {
    throw new InvalidArgumentError("image", `must be a data:image/…;base64,… URL or the image's bytes (remote URLs are refused by the runtime), got ${describe(image)}`);
  }
  return Object.freeze({ type: "toolImage", dataUrl: image });
}

function isToolImage(value: unknown): value is ToolImage {
  return typeof value === "object" && value !== null && (value as ToolImage).type === "toolImage" && typeof (value as ToolImage).dataUrl === "string";
}

/**
 * The content the model gets for what `execute` returned: a string → one text part; a
 * {@link ToolImage} → one image part; an array of strings and images → one part each; `undefined`
 * → `"(no output)"`; anything else → its JSON text.
 *
 * @throws {TypeError} for a value JSON cannot express (a `BigInt`, a cycle, a function).
 */
export function toContentItems(value: unknown): DynamicToolCallOutputContentItem[] {
  const part = (item: string | ToolImage): DynamicToolCallOutputContentItem =>
    typeof item === "string" ? { type: "inputText", text: item } : { type: "inputImage", imageUrl: item.dataUrl };
  if (typeof value === "string" || isToolImage(value)) return [part(value)];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string" || isToolImage(item))) return value.map(part);
  if (value === undefined) return [{ type: "inputText", text: "(no output)" }];
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError(`${describe(value)} cannot be sent as JSON`);
  return [{ type: "inputText", text }];
}

/**
 * A failed call's answer. The text is what the model reads: the runtime shows it a JSON-RPC error
 * only as "dynamic tool request failed", and `success: false` not at all.
 */
export function failureResponse(text: string): DynamicToolCallResponse {
  return { contentItems: [{ type: "inputText", text }], success: false };
}
