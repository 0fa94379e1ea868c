/**
 * The runtime's environment: inherited from this process by default, or exactly what `env` gives
 * with `inheritEnv: false`. Read from the real runtime's `/proc/<pid>/environ`.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, it } from "node:test";
import { AsyncCodex, type AsyncCodexOptions, InvalidArgumentError } from "../../lib/index.js";
import { offlineCodex } from "../support/offline-codex.js";

const HOST_ONLY = "CODEX_APP_SDK_SPEC_HOST_ONLY";

/** Starts a runtime with `options`, answers one request, and returns its environment. */
async function runtimeEnvironment(t: Parameters<typeof offlineCodex>[0], options: AsyncCodexOptions): Promise<Map<string, string>> {
  process.env[HOST_ONLY] = "from the host";
  t.after(() => delete process.env[HOST_ONLY]);
  const { codex } = await offlineCodex(t, { codex: options });
  // A request answered: the runtime works with this environment.
  assert.ok(Array.isArray((await codex.models()).data));
  const pid = codex.pid;
  assert.ok(pid !== undefined);
  const environ = await readFile(`/proc/${pid}/environ`, "utf8");
  return new Map(environ.split("\0").filter(Boolean).map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]));
}

describe("the runtime's environment", () => {
  it("inherits this process's environment by default, with env merged over it", async (t) => {
    const env = await runtimeEnvironment(t, { env: { SPEC_GIVEN: "given" } });
    assert.equal(env.get(HOST_ONLY), "from the host");
    assert.equal(env.get("SPEC_GIVEN"), "given");
  });

  it("with inheritEnv: false holds only env, CODEX_HOME and what the binary needs", async (t) => {
    const env = await runtimeEnvironment(t, { inheritEnv: false, env: { SPEC_GIVEN: "given", SPEC_UNSET: undefined } });
    assert.equal(env.has(HOST_ONLY), false, "nothing of the host's environment leaks in");
    assert.equal(env.get("SPEC_GIVEN"), "given");
    assert.ok(env.get("CODEX_HOME"), "codexHome still becomes CODEX_HOME");
    // PATH only holds the tools folder shipped beside the binary; CODEX_MANAGED_* say how it was installed.
    const rest = [...env.keys()].filter((key) => !["SPEC_GIVEN", "CODEX_HOME", "PATH", "CODEX_MANAGED_BY_NPM", "CODEX_MANAGED_PACKAGE_ROOT"].includes(key));
    assert.deepEqual(rest, []);
    assert.equal(env.get("PATH")?.includes(process.env.PATH ?? "\0"), false);
  });

  it("rejects a non-boolean inheritEnv before anything is spawned", () => {
    assert.throws(() => new AsyncCodex({ inheritEnv: "no" as unknown as boolean }), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.match(error.message, /options\.inheritEnv.*boolean/);
      return true;
    });
  });
});
