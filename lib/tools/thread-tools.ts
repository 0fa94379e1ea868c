import { InvalidArgumentError } from "../errors.js";
import { storedToolNames, ToolSet } from "./tool-set.js";

/** The parts of a thread response the tools need. */
export interface ThreadInfo {
  /** The thread id. */
  id: string;
  /** The rollout file, where the runtime stored the thread's tool declarations. */
  path?: string | null;
}

/**
 * Which implementations the client attached to which thread. Client-wide, so a thread keeps its
 * tools across a runtime restart of the same `AsyncCodex`. The runtime stores the declarations
 * with the thread at `thread/start` and never takes new ones (resume ignores them, a fork inherits
 * them): resuming or forking attaches implementations to what is stored.
 */
export class ThreadTools {
  readonly #sets = new Map<string, ToolSet>();

  /** The tools attached to a thread, if any. */
  get(threadId: string): ToolSet | undefined {
    return this.#sets.get(threadId);
  }

  /** Attaches the tools a thread was just started with. */
  started(threadId: string, tools: ToolSet | undefined): void {
    if (tools) this.#sets.set(threadId, tools);
  }

  /**
   * Attaches `tools` to a resumed or forked thread, after checking them against the declarations
   * stored with it (read from its rollout with the runtime's `fs/readFile`, when it has one); without
   * `tools`, a fork keeps the implementations of its source (`inheritFrom`).
   *
   * @throws {InvalidArgumentError} when the names differ from the stored ones, saying which.
   */
  async attach(
    thread: ThreadInfo,
    tools: ToolSet | undefined,
    options: { inheritFrom?: string | undefined; argument: string; readFile(path: string): Promise<{ dataBase64: string }> },
  ): Promise<void> {
    if (!tools) {
      const inherited = options.inheritFrom === undefined ? undefined : this.#sets.get(options.inheritFrom);
      if (inherited) this.#sets.set(thread.id, inherited);
      return;
    }
    const stored = thread.path ? await readStoredToolNames(thread.path, options.readFile) : undefined;
    if (stored) {
      const given = tools.names;
      const missing = stored.filter((name) => !given.includes(name));
      const unknown = given.filter((name) => !stored.includes(name));
      if (missing.length > 0 || unknown.length > 0) {
        const problems = [
          missing.length > 0 ? `no implementation given for ${missing.join(", ")}` : "",
          unknown.length > 0 ? `${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} not among them and would never be called` : "",
        ].filter(Boolean);
        throw new InvalidArgumentError(
          options.argument,
          `thread ${thread.id} was started with the tools ${stored.join(", ") || "(none)"}, and its tool set cannot change: ${problems.join("; ")}`,
        );
      }
    }
    this.#sets.set(thread.id, tools);
  }
}

/**
 * The checked `options.tools` of a thread call, before anything is sent.
 * @throws {InvalidArgumentError} for a bad tool set, or tools on a client without the experimental API.
 */
export function toolSetOption(options: unknown, experimentalApi: boolean): ToolSet | undefined {
  const tools = options !== null && typeof options === "object" ? (options as { tools?: unknown }).tools : undefined;
  if (tools === undefined) return undefined;
  if (!experimentalApi) throw new InvalidArgumentError("options.tools", "needs the experimental API, as client-side tools are experimental in the runtime: do not set experimentalApi: false");
  return ToolSet.from(tools, "options.tools");
}

/**
 * The tool names stored in a rollout's first line (its `session_meta`); `undefined` when it cannot
 * be read (a remote runtime may not allow it), so the names are then not checked up front.
 */
async function readStoredToolNames(path: string, readFile: (path: string) => Promise<{ dataBase64: string }>): Promise<string[] | undefined> {
  try {
    const { dataBase64 } = await readFile(path);
    return storedToolNames(Buffer.from(dataBase64, "base64").toString("utf8").split("\n", 1)[0] ?? "");
  } catch {
    return undefined;
  }
}
