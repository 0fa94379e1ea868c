import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { configOverrideArgs } from "../../lib/client/config-overrides.js";
import { InvalidArgumentError } from "../../lib/errors.js";
import { assertInvalid } from "../support/assertions.js";
import { resolveCodexBinary } from "../../lib/transport/codex-binary.js";

/** The `key=value` halves of `-c key=value` pairs, checking every other element is `-c`. */
function pairs(args: string[]): string[] {
  assert.equal(args.length % 2, 0);
  return args.filter((arg, index) => {
    if (index % 2 === 0) assert.equal(arg, "-c");
    return index % 2 === 1;
  });
}

function assertRejects(config: unknown, argument: string, problem: RegExp): void {
  assertInvalid(() => configOverrideArgs(config, "options.config"), argument, problem);
}

describe("configOverrideArgs", () => {
  it("returns no arguments for an undefined or empty config", () => {
    assert.deepEqual(configOverrideArgs(undefined), []);
    assert.deepEqual(configOverrideArgs({}), []);
  });

  it("flattens nested objects into dotted keys, one -c pair per leaf, in insertion order", () => {
    const args = configOverrideArgs({ model: "o3", features: { apps: false, plugins: true }, a: { b: { c: 1 } } });
    assert.deepEqual(args, ["-c", 'model="o3"', "-c", "features.apps=false", "-c", "features.plugins=true", "-c", "a.b.c=1"]);
  });

  it("writes strings as TOML basic strings with escapes", () => {
    assert.deepEqual(pairs(configOverrideArgs({ s: 'say "hi"\\ now\n\ttab\u0001 é 😀' })), ['s="say \\"hi\\"\\\\ now\\n\\ttab\\u0001 é 😀"']);
    assert.deepEqual(pairs(configOverrideArgs({ s: "" })), ['s=""']);
  });

  it("writes numbers, booleans and bigints as TOML scalars", () => {
    assert.deepEqual(pairs(configOverrideArgs({ i: 42, n: -7, f: 0.5, big: 12345678901234567890n, yes: true, no: false })), [
      "i=42",
      "n=-7",
      "f=0.5",
      "big=12345678901234567890",
      "yes=true",
      "no=false",
    ]);
  });

  it("writes arrays, nested arrays and arrays of tables inline", () => {
    assert.deepEqual(pairs(configOverrideArgs({ roots: ["/tmp/a b", "/x"], grid: [[1, 2], []], items: [{ name: "a", on: true }] })), [
      'roots=["/tmp/a b", "/x"]',
      "grid=[[1, 2], []]",
      'items=[{ name = "a", on = true }]',
    ]);
  });

  it("writes an empty nested object as an empty inline table", () => {
    assert.deepEqual(pairs(configOverrideArgs({ mcp_servers: {} })), ["mcp_servers={  }"]);
  });

  it("writes a table with keys that need quoting as one inline table with quoted keys", () => {
    const args = configOverrideArgs({
      projects: { "/work/my app": { trust_level: "trusted" }, "/tmp/x.y": { trust_level: "untrusted" } },
      shell_environment_policy: { inherit: "all", set: { "MY VAR": "1", PLAIN: "2", 'q"k': "3" } },
    });
    assert.deepEqual(pairs(args), [
      'projects={ "/work/my app" = { trust_level = "trusted" }, "/tmp/x.y" = { trust_level = "untrusted" } }',
      'shell_environment_policy.inherit="all"',
      'shell_environment_policy.set={ "MY VAR" = "1", PLAIN = "2", "q\\"k" = "3" }',
    ]);
  });

  it("accepts objects without a prototype", () => {
    const config = Object.assign(Object.create(null) as Record<string, unknown>, { model: "o3" });
    assert.deepEqual(configOverrideArgs(config), ["-c", 'model="o3"']);
  });

  it("rejects a config that is not a plain object, naming the argument", () => {
    for (const config of [null, "model=o3", 5, ["model"], new Date(0), new Map()]) {
      assertRejects(config, "options.config", /must be a plain object/);
    }
  });

  it("uses 'config' as the argument name by default", () => {
    assert.throws(() => configOverrideArgs(null), (error: unknown) => error instanceof InvalidArgumentError && error.argument === "config");
  });

  it("rejects null and undefined values, naming their dotted path", () => {
    assertRejects({ a: { b: null } }, "options.config.a.b", /no TOML representation: null/);
    assertRejects({ model: undefined }, "options.config.model", /no TOML representation: undefined/);
  });

  it("rejects NaN and infinite numbers", () => {
    assertRejects({ a: { n: Number.NaN } }, "options.config.a.n", /finite number, got NaN/);
    assertRejects({ limit: Number.POSITIVE_INFINITY }, "options.config.limit", /finite number, got Infinity/);
    assertRejects({ limit: Number.NEGATIVE_INFINITY }, "options.config.limit", /finite number/);
  });

  it("rejects functions, symbols, dates and class instances", () => {
    assertRejects({ a: { f: () => 1 } }, "options.config.a.f", /no TOML representation: function/);
    assertRejects({ s: Symbol("x") }, "options.config.s", /no TOML representation/);
    assertRejects({ when: new Date(0) }, "options.config.when", /no TOML representation: an object/);
    assertRejects({ m: new Map() }, "options.config.m", /no TOML representation/);
  });

  it("names the index of a bad array element and the key of a bad inline-table value", () => {
    assertRejects({ roots: ["/ok", null] }, "options.config.roots[1]", /null/);
    assertRejects({ items: [{ name: "a" }, { name: Number.NaN }] }, "options.config.items[1].name", /finite/);
    assertRejects({ projects: { "/a b": { trust_level: undefined } } }, "options.config.projects./a b.trust_level", /undefined/);
  });

  it("rejects a top-level key the runtime cannot take as a -c path", () => {
    assertRejects({ "a.b": 1 }, "options.config.a.b", /not a config key/);
    assertRejects({ "my key": 1 }, "options.config.my key", /not a config key/);
  });
});

describe("configOverrideArgs with the real runtime", () => {
  const codexHome = mkdtempSync(join(tmpdir(), "config-overrides-spec-"));
  after(() => rmSync(codexHome, { recursive: true, force: true }));
  const binary = resolveCodexBinary({ env: process.env });
  const env = { ...process.env, ...binary.env, CODEX_HOME: codexHome };
  /** Keeps the runtime from trying to reach the network at startup (PROTOCOL-NOTES §2). */
  const offline = { features: { apps: false, plugins: false, remote_plugin: false } };

  function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary.path, args, { env, stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (data: string) => (stdout += data));
      child.stderr.setEncoding("utf8").on("data", (data: string) => (stderr += data));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  }

  /** Starts `app-server` with `args`, initializes, and returns the effective config from `config/read`. */
  function readConfig(args: string[]): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const child = spawn(binary.path, [...args, "app-server"], { env, stdio: ["pipe", "pipe", "pipe"], timeout: 30_000 });
      let stderr = "";
      let buffer = "";
      child.stderr.setEncoding("utf8").on("data", (data: string) => (stderr += data));
      child.on("error", reject);
      child.on("close", (code, signal) => reject(new Error(`runtime exited (${code ?? signal}) before config/read answered:\n${stderr}`)));
      const send = (message: unknown) => child.stdin.write(`${JSON.stringify(message)}\n`);
      child.stdout.setEncoding("utf8").on("data", (data: string) => {
        buffer += data;
        for (let newline = buffer.indexOf("\n"); newline !== -1; newline = buffer.indexOf("\n")) {
          const message = JSON.parse(buffer.slice(0, newline)) as { id?: number; result?: { config: Record<string, unknown> }; error?: unknown };
          buffer = buffer.slice(newline + 1);
          if (message.id === 1) {
            send({ method: "initialized" });
            send({ id: 2, method: "config/read", params: {} });
          } else if (message.id === 2) {
            if (message.result) resolve(message.result.config);
            else reject(new Error(`config/read failed: ${JSON.stringify(message.error)}`));
            child.kill();
          }
        }
      });
      send({ id: 1, method: "initialize", params: { clientInfo: { name: "spec", title: "spec", version: "0" } } });
    });
  }

  it("validates the produced arguments with --strict-config --print-startup-config and exits 0", async () => {
    const args = configOverrideArgs({ model: "o3", ...offline, sandbox_workspace_write: { writable_roots: ["/tmp/a b"] } });
    const { code, stdout, stderr } = await run([...args, "app-server", "--strict-config", "--print-startup-config"]);
    assert.equal(code, 0, stderr);
    // It prints only the startup requirements, not the config: the values are checked through config/read below.
    const printed = JSON.parse(stdout) as { appServerVersion?: unknown; error?: unknown };
    assert.equal(typeof printed.appServerVersion, "string");
    assert.equal(printed.error, undefined);
  });

  it("fails strict validation when a value has the wrong TOML type, so the typing above is real", async () => {
    const args = configOverrideArgs({ features: { apps: "false" } });
    const { code, stdout } = await run([...args, "app-server", "--strict-config", "--print-startup-config"]);
    assert.notEqual(code, 0);
    assert.match(stdout, /invalid type: string \\"false\\", expected a boolean/);
  });

  it("makes the runtime's effective config hold exactly the given values", async () => {
    const instructions = 'say "hi"\n\t\\ é 😀 \u0001';
    const args = configOverrideArgs({
      model: "o3",
      ...offline,
      sandbox_workspace_write: { writable_roots: ["/tmp/a b"], network_access: true },
      developer_instructions: instructions,
      model_context_window: 12345,
      projects: { "/tmp/x.y z": { trust_level: "trusted" } },
      shell_environment_policy: { set: { "MY VAR": "1" } },
    });
    const config = await readConfig(args);
    assert.equal(config.model, "o3");
    assert.equal(config.developer_instructions, instructions);
    assert.equal(config.model_context_window, 12345);
    const features = config.features as Record<string, unknown>;
    assert.equal(features.apps, false);
    assert.equal(features.plugins, false);
    const workspaceWrite = config.sandbox_workspace_write as Record<string, unknown>;
    assert.deepEqual(workspaceWrite.writable_roots, ["/tmp/a b"]);
    assert.equal(workspaceWrite.network_access, true);
    assert.deepEqual(config.projects, { "/tmp/x.y z": { trust_level: "trusted" } });
    assert.deepEqual((config.shell_environment_policy as Record<string, unknown>).set, { "MY VAR": "1" });
  });
});
