/**
 * A serverless-style HTTP handler that streams a turn as Server-Sent Events: a `turn` event with
 * the ids, one `data:` event per text delta, then `done` after turn/completed, and the response
 * ends. If the client disconnects first, the turn is interrupted. Each invocation has its own
 * AsyncCodex, closed before the handler returns. The sample calls its own server twice with fetch.
 *
 *   npx tsx samples/serverless-sse.ts [--live]
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AsyncCodex } from "codex-app-sdk";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the first request gets a streamed answer and the second one a model that never finishes.
await using sample = await openSampleCodex({ replies: [{ type: "text", text: "Events arrive as the model writes." }, { type: "hang" }] });

async function handler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const prompt = new URL(req.url ?? "/", "http://localhost").searchParams.get("prompt") ?? "Say hi.";
  // res "close" also fires after a normal end, when aborting no longer matters.
  const disconnected = new AbortController();
  res.on("close", () => disconnected.abort(new Error("client disconnected")));
  // JSON-encoded data: a delta with a newline would otherwise break the SSE framing.
  const send = (event: string | null, data: unknown) => res.write(`${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`);
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  // Closed when the handler returns, whatever happens: no runtime outlives the invocation.
  await using codex = new AsyncCodex(sample.options);
  try {
    const thread = await codex.threadStart({ cwd: sample.cwd, signal: disconnected.signal });
    const turn = await thread.turn(prompt, { signal: disconnected.signal }); // aborting it interrupts the turn
    send("turn", { threadId: thread.id, turnId: turn.id });
    for await (const n of turn) {
      if (n.method === "item/agentMessage/delta") send(null, n.params.delta);
      if (n.method === "turn/completed") send("done", { status: n.params.turn.status });
    }
  } catch (error) {
    if (disconnected.signal.aborted) console.log("server: the client disconnected, so the turn was interrupted");
    else send("error", { message: error instanceof Error ? error.message : String(error) });
  } finally {
    res.end();
  }
}

const handling = new Set<Promise<void>>();
const server = createServer((req, res) => {
  const done = handler(req, res).catch((error: unknown) => console.error(error));
  handling.add(done);
  void done.finally(() => handling.delete(done));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/?prompt=${encodeURIComponent("Explain SSE in one sentence.")}`;

// 1. A client reads the whole stream; each event ends with a blank line. (A browser: new EventSource(url).)
const response = await fetch(url);
for (const event of (await response.text()).split("\n\n").filter(Boolean)) console.log(`client got: ${event.replaceAll("\n", " | ")}`);

// 2. A client that leaves after the first event.
const leaving = new AbortController();
const reader = (await fetch(url, { signal: leaving.signal })).body?.getReader();
console.log(`client 2 got: ${new TextDecoder().decode((await reader?.read())?.value).trim().replaceAll("\n", " | ")}, and leaves`);
leaving.abort();

await Promise.all(handling); // let both invocations close their runtimes
server.close();
server.closeAllConnections(); // fetch keeps connections open for reuse; do not wait for them
