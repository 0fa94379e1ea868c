import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import type { DynamicToolSpec } from "../protocol/generated/v2/index.js";
import { checkToolName, isTool, type Tool, type ToolNamespace } from "./tool.js";

/** What `threadStart({ tools })` takes: tools made by `tool()`, and namespaces of them. */
export type ToolEntry = Tool | ToolNamespace;

/**
 * Names of the runtime's own tools, refused for top-level client-side tools and namespaces. The
 * runtime accepts a client-side tool named like a built-in it advertises, then drops it and runs
 * its own. The list holds every built-in the pinned runtime was seen advertising (`exec_command`,
 * `write_stdin`, `request_user_input`, `view_image`, the `multi_agent_v1` namespace, the goal
 * tools) and those other configurations or models enable, since which ones a thread gets depends
 * on both. Tools inside a namespace may use any name: the runtime calls them by namespace.
 */
export const BUILT_IN_TOOL_NAMES: readonly string[] = Object.freeze([
  "exec_command", "write_stdin", "shell", "shell_command", "local_shell", "apply_patch", "update_plan",
  "request_user_input", "view_image", "web_search", "image_generation", "tool_search",
  "get_goal", "create_goal", "update_goal", "multi_agent_v1", "spawn_agent", "send_input", "resume_agent",
  "wait", "wait_agent", "close_agent", "list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource",
  "read_file", "list_dir", "grep_files", "get_memory", "js_repl", "js_repl_reset",
]);

/** The name a call is shown by: `tool`, or `namespace.tool`. */
export function qualifiedName(namespace: string | null | undefined, name: string): string {
  return namespace ? `${namespace}.${name}` : name;
}

/**
 * A thread's tools: checked as the runtime would (and for collisions with its built-ins, which it
 * does not check), turned into `dynamicTools`, and looked up by `namespace` and name when called.
 */
export class ToolSet {
  /** The `thread/start.dynamicTools` that declare the set. */
  readonly declarations: DynamicToolSpec[];
  readonly #tools = new Map<string, Tool>();

  private constructor(declarations: DynamicToolSpec[], tools: Map<string, Tool>) {
    this.declarations = declarations;
    this.#tools = tools;
  }

  /**
   * Checks `entries` and builds the set.
   * @throws {InvalidArgumentError} naming the entry: not made by `tool()`, a bad or duplicate name, a built-in's name.
   */
  static from(entries: unknown, argument: string): ToolSet {
    if (!Array.isArray(entries)) throw new InvalidArgumentError(argument, `must be an array of tools and namespaces, got ${describe(entries)}`);
    const tools = new Map<string, Tool>();
    const namespaces = new Set<string>();
    const declarations = entries.map((entry: unknown, index): DynamicToolSpec => {
      const at = `${argument}[${index}]`;
      if (isTool(entry)) {
        refuseBuiltIn(entry.name, at);
        add(tools, null, entry, at);
        return { type: "function", ...declaration(entry) };
      }
      checkObject(entry, at);
      if ("execute" in entry || "parameters" in entry) throw new InvalidArgumentError(at, "must be a tool made by tool() (whose checks never ran on this object) or a namespace { name, tools }");
      checkKnownKeys(entry, ["name", "description", "tools"], at);
      const { name, description = "", tools: members } = entry as Partial<ToolNamespace>;
      checkToolName(name, `${at}.name`);
      refuseBuiltIn(name, `${at}.name`);
      if (namespaces.has(name)) throw new InvalidArgumentError(`${at}.name`, `the namespace "${name}" is declared twice`);
      namespaces.add(name);
      if (typeof description !== "string") throw new InvalidArgumentError(`${at}.description`, `must be a string, got ${describe(description)}`);
      if (!Array.isArray(members) || members.length === 0) throw new InvalidArgumentError(`${at}.tools`, "must be a non-empty array of tools made by tool()");
      members.forEach((member: unknown, memberIndex) => {
        if (!isTool(member)) throw new InvalidArgumentError(`${at}.tools[${memberIndex}]`, `must be a tool made by tool() (namespaces do not nest), got ${describe(member)}`);
        add(tools, name, member, `${at}.tools[${memberIndex}]`);
      });
      return { type: "namespace", name, description, tools: members.map((member: Tool) => ({ type: "function" as const, ...declaration(member) })) };
    });
    return new ToolSet(declarations, tools);
  }

  /** The tool the runtime calls by `namespace` (or `null`) and `name`, if the set has it. */
  find(namespace: string | null, name: string): Tool | undefined {
    return this.#tools.get(key(namespace, name));
  }

  /** Every tool's qualified name (`tool`, `namespace.tool`), in declaration order. */
  get names(): string[] {
    return [...this.#tools.keys()].map((entry) => {
      const [namespace = "", name = ""] = entry.split("\u0000");
      return qualifiedName(namespace, name);
    });
  }
}

function key(namespace: string | null, name: string): string {
  return `${namespace ?? ""}\u0000${name}`;
}

function add(tools: Map<string, Tool>, namespace: string | null, made: Tool, at: string): void {
  if (tools.has(key(namespace, made.name))) throw new InvalidArgumentError(at, `the tool "${qualifiedName(namespace, made.name)}" is declared twice`);
  tools.set(key(namespace, made.name), made);
}

function refuseBuiltIn(name: string, at: string): void {
  if (BUILT_IN_TOOL_NAMES.includes(name)) {
    throw new InvalidArgumentError(at, `"${name}" is the name of a built-in tool of the runtime, which would silently run its own instead; rename it`);
  }
}

function declaration(made: Tool): { name: string; description: string; inputSchema: Tool["inputSchema"] } {
  return { name: made.name, description: made.description, inputSchema: made.inputSchema };
}

/**
 * The qualified names of the tools a stored thread was started with, from the first line of its
 * rollout (`session_meta.payload.dynamic_tools`); `undefined` when the line does not say.
 */
export function storedToolNames(rolloutFirstLine: string): string[] | undefined {
  let meta: unknown;
  try {
    meta = JSON.parse(rolloutFirstLine);
  } catch {
    return undefined;
  }
  const specs = (meta as { payload?: { dynamic_tools?: unknown } } | null)?.payload?.dynamic_tools;
  if (specs === null) return [];
  if (!Array.isArray(specs)) return undefined;
  return specs.flatMap((spec: { type?: unknown; name?: unknown; tools?: unknown }) => {
    if (typeof spec?.name !== "string") return [];
    if (spec.type !== "namespace") return [spec.name];
    const members = Array.isArray(spec.tools) ? (spec.tools as Array<{ name?: unknown }>) : [];
    return members.flatMap((member) => (typeof member?.name === "string" ? [qualifiedName(spec.name as string, member.name)] : []));
  });
}
