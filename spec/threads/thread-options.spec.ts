import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApprovalMode, approvalSettings } from "../../lib/server-requests/approval-mode.js";
import { Sandbox, threadSandbox, turnSandboxPolicy } from "../../lib/threads/sandbox.js";
import { type ThreadOptions, threadParams } from "../../lib/threads/thread-options.js";
import { type TurnOptions, turnParams } from "../../lib/turns/turn-options.js";
import { assertInvalid } from "../support/assertions.js";


/** Calls with a value the types forbid, as JavaScript callers can. */
function threadParamsUnchecked(options: unknown, defaults?: Pick<ThreadOptions, "approvalMode">): Record<string, unknown> {
  return threadParams(options as ThreadOptions, defaults);
}
function turnParamsUnchecked(options: unknown): Record<string, unknown> {
  return turnParams(options as TurnOptions);
}

describe("Sandbox presets", () => {
  it("are the runtime's thread sandbox modes", () => {
    assert.deepEqual({ ...Sandbox }, { readOnly: "read-only", workspaceWrite: "workspace-write", fullAccess: "danger-full-access" });
    assert.equal(threadSandbox(Sandbox.readOnly, "options.sandbox"), "read-only");
    assert.equal(threadSandbox(Sandbox.workspaceWrite, "options.sandbox"), "workspace-write");
    assert.equal(threadSandbox(Sandbox.fullAccess, "options.sandbox"), "danger-full-access");
    assert.equal(threadSandbox(undefined, "options.sandbox"), undefined);
  });

  it("map to the turn sandboxPolicy objects", () => {
    assert.deepEqual(turnSandboxPolicy(Sandbox.readOnly, "options.sandbox"), { type: "readOnly", networkAccess: false });
    assert.deepEqual(turnSandboxPolicy(Sandbox.workspaceWrite, "options.sandbox"), {
      type: "workspaceWrite",
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    });
    assert.deepEqual(turnSandboxPolicy(Sandbox.fullAccess, "options.sandbox"), { type: "dangerFullAccess" });
    assert.equal(turnSandboxPolicy(undefined, "options.sandbox"), undefined);
  });

  it("give a fresh policy object each time, so a caller's change cannot leak into later turns", () => {
    const first = turnSandboxPolicy(Sandbox.workspaceWrite, "options.sandbox");
    assert.ok(first && first.type === "workspaceWrite");
    first.writableRoots.push("/etc");
    first.networkAccess = true;
    assert.deepEqual(turnSandboxPolicy(Sandbox.workspaceWrite, "options.sandbox"), {
      type: "workspaceWrite",
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    });
  });

  it("reject anything else, naming the argument and the valid presets", () => {
    for (const bad of ["readOnly", "workspace_write", "", 1, null, {}, "toString", "constructor", "__proto__"]) {
      assertInvalid(() => threadSandbox(bad, "options.sandbox"), "options.sandbox", /must be one of Sandbox\.readOnly, Sandbox\.workspaceWrite, Sandbox\.fullAccess/);
      assertInvalid(() => turnSandboxPolicy(bad, "options.sandbox"), "options.sandbox", /must be one of/);
    }
  });
});

describe("ApprovalMode presets", () => {
  it("map denyAll to approvalPolicy never", () => {
    assert.deepEqual(approvalSettings(ApprovalMode.denyAll, "options.approvalMode"), { approvalPolicy: "never" });
  });

  it("map autoReview to on-request with the auto_review reviewer", () => {
    assert.deepEqual(approvalSettings(ApprovalMode.autoReview, "options.approvalMode"), { approvalPolicy: "on-request", approvalsReviewer: "auto_review" });
  });

  it("send nothing for undefined", () => {
    assert.deepEqual(approvalSettings(undefined, "options.approvalMode"), {});
  });

  it("return a fresh object each time", () => {
    const settings = approvalSettings(ApprovalMode.denyAll, "options.approvalMode");
    settings.approvalPolicy = "untrusted";
    assert.deepEqual(approvalSettings(ApprovalMode.denyAll, "options.approvalMode"), { approvalPolicy: "never" });
  });

  it("reject wire values and other strings, naming the argument and the presets", () => {
    for (const bad of ["never", "on-request", "autoreview", "toString", 0, null]) {
      assertInvalid(() => approvalSettings(bad, "options.approvalMode"), "options.approvalMode", /must be one of ApprovalMode\.denyAll, ApprovalMode\.autoReview/);
    }
  });
});

describe("threadParams", () => {
  it("sends nothing for empty options", () => {
    assert.deepEqual(threadParams({}), {});
  });

  it("applies the approval default when the options name no approval mode", () => {
    assert.deepEqual(threadParams({}, { approvalMode: "autoReview" }), { approvalPolicy: "on-request", approvalsReviewer: "auto_review" });
  });

  it("lets an explicit approval mode win over the default", () => {
    assert.deepEqual(threadParams({ approvalMode: ApprovalMode.denyAll }, { approvalMode: "autoReview" }), { approvalPolicy: "never" });
  });

  it("maps every thread option to its wire field and leaves out the signal", () => {
    const options: ThreadOptions = {
      model: "o3",
      modelProvider: "mock",
      cwd: "/work",
      sandbox: Sandbox.workspaceWrite,
      approvalMode: ApprovalMode.denyAll,
      baseInstructions: "base",
      developerInstructions: "dev",
      config: { model_reasoning_effort: "high", features: { apps: false } },
      ephemeral: true,
      personality: "pragmatic",
      serviceTier: "flex",
      signal: new AbortController().signal,
    };
    assert.deepEqual(threadParams(options), {
      model: "o3",
      modelProvider: "mock",
      cwd: "/work",
      baseInstructions: "base",
      developerInstructions: "dev",
      personality: "pragmatic",
      serviceTier: "flex",
      sandbox: "workspace-write",
      approvalPolicy: "never",
      config: { model_reasoning_effort: "high", features: { apps: false } },
      ephemeral: true,
    });
  });

  it("leaves out options given as undefined", () => {
    assert.deepEqual(threadParams({ model: undefined, cwd: "/w", sandbox: undefined, config: undefined, ephemeral: undefined }), { cwd: "/w" });
  });

  it("does not modify the caller's options", () => {
    const options: ThreadOptions = { model: "o3", sandbox: Sandbox.readOnly };
    threadParams(options, { approvalMode: "autoReview" });
    assert.deepEqual(options, { model: "o3", sandbox: "read-only" });
  });

  it("rejects unknown option names, naming them", () => {
    assertInvalid(() => threadParamsUnchecked({ modle: "o3" }), "options.modle", /is not a known option/);
    assertInvalid(() => threadParamsUnchecked({ approvalPolicy: "never" }), "options.approvalPolicy", /is not a known option/);
  });

  it("rejects turn-only options, which thread/start would silently ignore", () => {
    assertInvalid(() => threadParamsUnchecked({ effort: "high" }), "options.effort", /is not a known option/);
    assertInvalid(() => threadParamsUnchecked({ summary: "auto" }), "options.summary", /is not a known option/);
    assertInvalid(() => threadParamsUnchecked({ outputSchema: {} }), "options.outputSchema", /is not a known option/);
  });

  it("rejects options of the wrong type, naming them", () => {
    assertInvalid(() => threadParamsUnchecked({ model: 5 }), "options.model", /must be a string, got number 5/);
    assertInvalid(() => threadParamsUnchecked({ cwd: null }), "options.cwd", /must be a string, got null/);
    assertInvalid(() => threadParamsUnchecked({ ephemeral: "yes" }), "options.ephemeral", /must be a boolean, got "yes"/);
    assertInvalid(() => threadParamsUnchecked({ sandbox: "full" }), "options.sandbox", /must be one of/);
    assertInvalid(() => threadParamsUnchecked({ approvalMode: "never" }), "options.approvalMode", /must be one of/);
  });

  it("rejects a config that is not an object", () => {
    for (const config of [null, "model=o3", ["a"], 1]) {
      assertInvalid(() => threadParamsUnchecked({ config }), "options.config", /must be an object/);
    }
  });

  it("rejects options that are not an object", () => {
    for (const options of [null, "o3", ["model"], 3]) assertInvalid(() => threadParamsUnchecked(options), "options", /must be an object/);
  });
});

describe("turnParams", () => {
  it("sends nothing for empty options", () => {
    assert.deepEqual(turnParams({}), {});
  });

  it("maps every turn option to its wire field, the sandbox as a sandboxPolicy object", () => {
    const options: TurnOptions = {
      model: "o3",
      effort: "high",
      summary: "concise",
      cwd: "/w",
      sandbox: Sandbox.readOnly,
      approvalMode: ApprovalMode.autoReview,
      outputSchema: { type: "object", properties: { answer: { type: "string" } } },
      personality: "friendly",
      serviceTier: "flex",
      signal: new AbortController().signal,
    };
    assert.deepEqual(turnParams(options), {
      model: "o3",
      effort: "high",
      summary: "concise",
      cwd: "/w",
      personality: "friendly",
      serviceTier: "flex",
      sandboxPolicy: { type: "readOnly", networkAccess: false },
      approvalPolicy: "on-request",
      approvalsReviewer: "auto_review",
      outputSchema: { type: "object", properties: { answer: { type: "string" } } },
    });
  });

  it("applies no approval default", () => {
    assert.deepEqual(turnParams({ sandbox: Sandbox.fullAccess }), { sandboxPolicy: { type: "dangerFullAccess" } });
  });

  it("rejects thread-only options, which turn/start would silently ignore", () => {
    for (const name of ["modelProvider", "baseInstructions", "developerInstructions", "config", "ephemeral"]) {
      assertInvalid(() => turnParamsUnchecked({ [name]: name === "config" ? {} : name === "ephemeral" ? true : "x" }), `options.${name}`, /is not a known option/);
    }
  });

  it("rejects options of the wrong type, naming them", () => {
    assertInvalid(() => turnParamsUnchecked({ effort: 3 }), "options.effort", /must be a string/);
    assertInvalid(() => turnParamsUnchecked({ sandbox: true }), "options.sandbox", /must be one of/);
    assertInvalid(() => turnParamsUnchecked({ approvalMode: {} }), "options.approvalMode", /must be one of/);
  });

  it("rejects an outputSchema that is not an object", () => {
    for (const outputSchema of [null, "schema", [{ type: "string" }], 0]) {
      assertInvalid(() => turnParamsUnchecked({ outputSchema }), "options.outputSchema", /must be an object/);
    }
  });
});
