import assert from "node:assert/strict";
import { describe, it, test } from "node:test";
import * as v from "valibot";
import { isValibotSchema, parseStructuredOutput, valibotToJsonSchema } from "../../lib/turns/structured-output.js";
import { InvalidArgumentError, StructuredOutputError } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";

const City = v.object({
  name: v.string(),
  population: v.pipe(v.number(), v.integer()),
  area: v.number(),
  capital: v.boolean(),
  kind: v.picklist(["city", "town"]),
  mayor: v.nullable(v.string()),
  districts: v.array(v.object({ name: v.string(), rank: v.literal(1) })),
  tag: v.union([v.string(), v.number()]),
});

describe("valibotToJsonSchema", () => {
  it("produces a strict JSON Schema: closed objects, every property required, every node typed", () => {
    assert.deepEqual(valibotToJsonSchema(City, "schema"), {
      type: "object",
      properties: {
        name: { type: "string" },
        population: { type: "integer" },
        area: { type: "number" },
        capital: { type: "boolean" },
        kind: { type: "string", enum: ["city", "town"] },
        mayor: { anyOf: [{ type: "string" }, { type: "null" }] },
        districts: {
          type: "array",
          items: { type: "object", properties: { name: { type: "string" }, rank: { type: "number", enum: [1] } }, required: ["name", "rank"], additionalProperties: false },
        },
        tag: { anyOf: [{ type: "string" }, { type: "number" }] },
      },
      required: ["name", "population", "area", "capital", "kind", "mayor", "districts", "tag"],
      additionalProperties: false,
    });
  });

  it("rejects constructs strict mode cannot express, naming the offending path", () => {
    const cases: Array<[v.GenericSchema, string, RegExp]> = [
      [v.object({ counts: v.record(v.string(), v.number()) }), "schema.counts", /record schemas are not supported.*closed objects/],
      [v.object({ nested: v.object({ note: v.optional(v.string()) }) }), "schema.nested.note", /optional.*v\.nullable/],
      [v.looseObject({}), "schema", /loose_object/],
      [v.object({ list: v.array(v.date()) }), "schema.list[]", /date schemas are not supported/],
      [v.picklist([]), "schema", /all strings/],
    ];
    for (const [schema, path, message] of cases) {
      assert.throws(() => valibotToJsonSchema(schema, "schema"), (error: unknown) => error instanceof InvalidArgumentError && error.argument === path && message.test(error.message));
    }
  });

  it("tells valibot schemas from JSON Schema objects", () => {
    assert.equal(isValibotSchema(City), true);
    assert.equal(isValibotSchema({ type: "object", kind: "schema" }), false);
    assert.equal(isValibotSchema(null), false);
  });
});

describe("parseStructuredOutput", () => {
  it("returns the parsed, validated output", () => {
    assert.deepEqual(parseStructuredOutput(v.object({ n: v.number() }), '{"n":2}'), { n: 2 });
    assert.deepEqual(parseStructuredOutput({ type: "object" }, '{"any":true}'), { any: true });
  });

  it("throws StructuredOutputError with the raw text for non-JSON, and the issues for a mismatch", () => {
    assert.throws(
      () => parseStructuredOutput(v.object({ n: v.number() }), "not json"),
      (error: unknown) => error instanceof StructuredOutputError && error.rawText === "not json" && error.issues.length === 0 && /not JSON/.test(error.message),
    );
    assert.throws(
      () => parseStructuredOutput(v.object({ n: v.number() }), '{"n":"two"}'),
      (error: unknown) => error instanceof StructuredOutputError && error.rawText === '{"n":"two"}' && error.issues[0]?.path === "n" && /n: Invalid type/.test(error.message),
    );
    assert.throws(() => parseStructuredOutput(v.string(), null), StructuredOutputError);
  });
});

test("a valibot schema round-trips through the real runtime: typed output, schema on the wire", async (t) => {
  const answer = { name: "Paris", population: 2102650, area: 105.4, capital: true, kind: "city", mayor: null, districts: [{ name: "Louvre", rank: 1 }], tag: 75 };
  const { codex, env } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: JSON.stringify(answer) }] } } });
  const thread = await codex.threadStart();
  const result = await thread.run("Describe Paris", { outputSchema: City });
  const population: number = result.output.population;
  assert.equal(population, 2102650);
  assert.deepEqual(result.output, answer);
  const format = (env.model.responseRequests[0]?.body as { text?: { format?: { schema?: unknown } } }).text?.format;
  assert.deepEqual(format?.schema, valibotToJsonSchema(City, "options.outputSchema"));
});

test("a final response that does not match the valibot schema throws StructuredOutputError", async (t) => {
  const { codex } = await offlineCodex(t, { environment: { model: { replies: [{ type: "text", text: '{"name": 42}' }, { type: "text", text: "plain words" }] } } });
  const thread = await codex.threadStart();
  const Named = v.object({ name: v.string() });
  await assert.rejects(
    () => thread.run("name?", { outputSchema: Named }),
    (error: unknown) => error instanceof StructuredOutputError && error.rawText === '{"name": 42}' && error.issues[0]?.path === "name",
  );
  await assert.rejects(() => thread.run("name?", { outputSchema: Named }), (error: unknown) => error instanceof StructuredOutputError && error.rawText === "plain words");
});

test("an unsupported valibot schema is rejected before anything is sent", async (t) => {
  const { codex, env } = await offlineCodex(t);
  const thread = await codex.threadStart();
  await assert.rejects(
    () => thread.run("counts?", { outputSchema: v.object({ counts: v.record(v.string(), v.number()) }) }),
    (error: unknown) => error instanceof InvalidArgumentError && error.argument === "options.outputSchema.counts",
  );
  assert.equal(env.model.responseRequests.length, 0);
});
