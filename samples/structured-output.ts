/**
 * Structured output with valibot: pass a schema as `outputSchema`, and `result.output` is the
 * final response parsed, validated and typed by it. The SDK turns the schema into the strict JSON
 * Schema the model is held to, and rejects what strict mode cannot express before sending anything.
 *
 *   npx tsx samples/structured-output.ts [--live]
 */
import * as v from "valibot";
import { InvalidArgumentError, StructuredOutputError } from "codex-app-sdk";
import { openSampleCodex } from "./support/sample-codex.js";

const City = v.object({
  name: v.string(),
  country: v.string(),
  population: v.pipe(v.number(), v.integer()),
  landmarks: v.array(v.string()),
  // Strict mode has no optional properties: a value that may be missing is nullable.
  nickname: v.nullable(v.string()),
});

// Offline, the fake model shows the JSON Schema it was sent, and answers with matching JSON.
await using sample = await openSampleCodex({
  defaultReply: (request) => {
    const { format } = (request.body as { text: { format: { name: string; schema: { required: string[] } } } }).text;
    console.log(`(fake model) asked for ${format.name} with required fields ${format.schema.required.join(", ")}`);
    const paris = { name: "Paris", country: "France", population: 2_102_650, landmarks: ["Eiffel Tower", "Louvre"], nickname: "City of Light" };
    return { type: "text", text: JSON.stringify(paris) };
  },
});
const thread = await sample.codex.threadStart({ cwd: sample.cwd });

try {
  const { output } = await thread.run("Describe the capital of France.", { outputSchema: City });
  // `output` is typed { name: string; country: string; population: number; landmarks: string[]; nickname: string | null }.
  console.log(`${output.name}, ${output.country}: ${output.population.toLocaleString("en")} people`);
  console.log(`landmarks: ${output.landmarks.join(", ")}; nickname: ${output.nickname ?? "none"}`);
} catch (error) {
  // The final response was not JSON, or did not match: the raw text and the issues are kept.
  if (!(error instanceof StructuredOutputError)) throw error;
  console.log(`unusable answer ${JSON.stringify(error.rawText)}: ${error.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
}

// v.optional cannot be expressed in strict mode: rejected at once, naming the field.
const Loose = v.object({ name: v.string(), nickname: v.optional(v.string()) });
await thread.run("Describe Rome.", { outputSchema: Loose }).catch((error: unknown) => {
  if (error instanceof InvalidArgumentError) console.log(`rejected before sending: ${error.message}`);
});
