import * as v from "valibot";
import { checkObject, describe } from "../arguments.js";
import { InvalidArgumentError, StructuredOutputError } from "../errors.js";
import type { JsonValue } from "../protocol/generated/serde_json/JsonValue.js";

/** A JSON Schema, as a plain object. */
export type JsonSchema = { [key: string]: JsonValue };

/**
 * What `outputSchema` accepts: a JSON Schema object, or a valibot schema. With valibot, the SDK
 * converts it to JSON Schema for the model and validates the answer with it, so
 * `TurnResult.output` is typed as the schema's output.
 */
export type OutputSchema = JsonSchema | v.GenericSchema;

/** The type of `TurnResult.output` for a turn run with options `O`. */
export type OutputOf<O> = O extends {
  /** The turn's output schema. */
  outputSchema: infer S;
}
  ? S extends v.GenericSchema
    ? v.InferOutput<S>
    : unknown
  : undefined;

/** True for a valibot schema (as opposed to a JSON Schema object). */
export function isValibotSchema(value: unknown): value is v.GenericSchema {
  const standard = (value as { "~standard"?: { vendor?: unknown } } | null)?.["~standard"];
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "schema" && standard?.vendor === "valibot";
}

/** How {@link valibotToJsonSchema} converts. */
export interface JsonSchemaConversion {
  /** What the schema is for, in error messages. Default `"structured output"`. */
  purpose?: string;
  /**
   * Allow `v.optional(…)` object entries, left out of `required` (tool parameters are not held to
   * strict mode). Default `false`: strict mode requires every property.
   */
  optionalProperties?: boolean;
}

/**
 * Converts a valibot schema to the JSON Schema that structured outputs accept in strict mode:
 * every object closed (`additionalProperties: false`) with all properties required, every node
 * typed. Optional values must be `v.nullable(…)`, since strict mode has no optional properties
 * (unless `conversion.optionalProperties` allows them).
 *
 * @throws {InvalidArgumentError} naming the path of the first construct it cannot express.
 */
export function valibotToJsonSchema(schema: v.GenericSchema, path: string, conversion: JsonSchemaConversion = {}): JsonSchema {
  const node = schema as v.GenericSchema & Record<string, unknown>;
  const unsupported = (hint: string): never => {
    throw new InvalidArgumentError(path, `${node.type} schemas are not supported in ${conversion.purpose ?? "structured output"}: ${hint}`);
  };
  const convert = (child: v.GenericSchema, childPath: string): JsonSchema => valibotToJsonSchema(child, childPath, conversion);
  switch (node.type) {
    case "string":
    case "boolean":
    case "null":
      return { type: node.type };
    case "number": {
      const integer = (node.pipe as Array<{ type: string }> | undefined)?.some((action) => action.type === "integer") ?? false;
      return { type: integer ? "integer" : "number" };
    }
    case "literal":
      return enumSchema([node.literal], path);
    case "picklist":
    case "enum":
      return enumSchema(node.options as unknown[], path);
    case "nullable":
      return { anyOf: [convert(node.wrapped as v.GenericSchema, path), { type: "null" }] };
    case "array":
      return { type: "array", items: convert(node.item as v.GenericSchema, `${path}[]`) };
    case "union":
    case "variant":
      return { anyOf: (node.options as v.GenericSchema[]).map((option, index) => convert(option, `${path}|${index}`)) };
    case "object":
    case "strict_object": {
      const entries = Object.entries(node.entries as Record<string, v.GenericSchema>);
      const isOptional = (entry: v.GenericSchema): boolean => conversion.optionalProperties === true && OPTIONAL_TYPES.includes(entry.type);
      return {
        type: "object",
        properties: Object.fromEntries(
          entries.map(([key, entry]) => [key, convert(isOptional(entry) ? ((entry as unknown as { wrapped: v.GenericSchema }).wrapped) : entry, `${path}.${key}`)]),
        ),
        required: entries.filter(([, entry]) => !isOptional(entry)).map(([key]) => key),
        additionalProperties: false,
      };
    }
    case "optional":
    case "exact_optional":
    case "nullish":
      return unsupported("strict mode requires every property; use v.nullable(…) for a value that may be absent");
    case "loose_object":
    case "object_with_rest":
    case "record":
      return unsupported("strict mode requires closed objects with known keys; use v.object({ … })");
    default:
      return unsupported("use objects, arrays, strings, numbers, booleans, literals, picklists, enums, unions and nullable");
  }
}

const OPTIONAL_TYPES: readonly string[] = ["optional", "exact_optional"];

function enumSchema(values: unknown[], path: string): JsonSchema {
  const types = [...new Set(values.map((value) => typeof value))];
  const type = types.length === 1 ? types[0] : undefined;
  if (type !== "string" && type !== "number" && type !== "boolean") {
    throw new InvalidArgumentError(path, "enums and literals must be all strings, all numbers or all booleans");
  }
  return { type, enum: values as JsonValue[] };
}

/**
 * Parses a turn's final response as the structured output `schema` asked for: JSON, and for a
 * valibot schema, valid against it.
 *
 * @throws {StructuredOutputError} holding the raw text and the issues.
 */
export function parseStructuredOutput(schema: OutputSchema, text: string | null): unknown {
  if (text === null) throw new StructuredOutputError("The turn produced no final response to parse as structured output", "", []);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StructuredOutputError(`The final response is not JSON: ${(error as Error).message}`, text, []);
  }
  if (!isValibotSchema(schema)) return value;
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issues = result.issues.map((issue) => ({ path: v.getDotPath(issue) ?? "", message: issue.message }));
  throw new StructuredOutputError(
    `The final response does not match the output schema: ${issues.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join("; ")}`,
    text,
    issues,
  );
}

/**
 * Catches schemas the runtime would pass on to the model unchecked, where they fail the turn
 * later: not an object, or a `type`, `properties`, `required` or `items` of the wrong kind, at any depth.
 */
export function checkJsonSchema(schema: unknown, argument: string): void {
  checkObject(schema, argument);
  const { type, properties, required, items } = schema as Record<string, unknown>;
  const isTypeName = (value: unknown): boolean => typeof value === "string" && JSON_SCHEMA_TYPES.includes(value);
  if (type !== undefined && !isTypeName(type) && !(Array.isArray(type) && type.every(isTypeName))) {
    throw new InvalidArgumentError(`${argument}.type`, `must be one of ${JSON_SCHEMA_TYPES.join(", ")} (or an array of them), got ${describe(type)}`);
  }
  if (required !== undefined && !(Array.isArray(required) && required.every((name) => typeof name === "string"))) {
    throw new InvalidArgumentError(`${argument}.required`, `must be an array of property names, got ${describe(required)}`);
  }
  if (properties !== undefined) {
    checkObject(properties, `${argument}.properties`);
    for (const [name, property] of Object.entries(properties as object)) checkJsonSchema(property, `${argument}.properties.${name}`);
  }
  if (items !== undefined && typeof items !== "boolean") checkJsonSchema(items, `${argument}.items`);
}

const JSON_SCHEMA_TYPES: readonly string[] = ["object", "array", "string", "number", "integer", "boolean", "null"];
