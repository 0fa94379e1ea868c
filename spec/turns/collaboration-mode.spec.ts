import assert from "node:assert/strict";
import { test } from "node:test";
import type { ToolRequestUserInputParams } from "../../lib/protocol/generated/v2/index.js";
import { functionCallOutputs } from "../../lib/testing/index.js";
import { offlineCodex } from "../support/offline-codex.js";

const PLAN_MODE = { mode: "plan", settings: { model: "mock-model", reasoning_effort: null, developer_instructions: null } } as const;

test("a plan-mode turn's user-input request reaches the handler, and its answer reaches the model", async (t) => {
  const asked: ToolRequestUserInputParams[] = [];
  const { codex, env } = await offlineCodex(t, {
    environment: {
      model: {
        replies: [
          { type: "toolCall", name: "request_user_input", arguments: { questions: [{ id: "colour", header: "Colour", question: "Which colour?", options: [{ label: "Red (Recommended)", description: "warm" }, { label: "Blue", description: "cool" }] }] } },
          { type: "text", text: "Plan: paint it blue." },
        ],
      },
    },
    codex: {
      onServerRequest: {
        "item/tool/requestUserInput": (params) => {
          asked.push(params);
          return { answers: { colour: { answers: ["Blue"] } } };
        },
      },
    },
  });
  const thread = await codex.threadStart();
  const result = await thread.run("Plan the painting.", { collaborationMode: PLAN_MODE });
  assert.equal(result.finalResponse, "Plan: paint it blue.");
  assert.equal(asked.length, 1);
  assert.equal(asked[0]?.turnId, result.id);
  assert.deepEqual(asked[0]?.questions.map((question) => question.question), ["Which colour?"]);
  assert.deepEqual(JSON.parse(functionCallOutputs(env.model.responseRequests[1]!)[0]?.output ?? "null"), { answers: { colour: { answers: ["Blue"] } } });
  // Plan mode changes what the model is told.
  assert.match(JSON.stringify(env.model.responseRequests[0]?.body), /Plan Mode/i);
});

test("collaborationModes() lists the presets, and a malformed mode fails before sending", async (t) => {
  const { codex } = await offlineCodex(t);
  const { data } = await codex.collaborationModes();
  assert.ok(data.some((preset) => preset.mode === "plan"));
  const thread = await codex.threadStart();
  await assert.rejects(thread.run("x", { collaborationMode: { mode: "planning" } as never }), /options\.collaborationMode\.mode: must be "plan" or "default"/);
  await assert.rejects(thread.run("x", { collaborationMode: { mode: "plan", settings: {} } as never }), /options\.collaborationMode\.settings\.model: must be a non-empty string/);
});
