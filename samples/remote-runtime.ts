/**
 * Remote runtimes: one long-lived runtime server shared by several clients over WebSocket. Starts
 * the pinned runtime on ws://127.0.0.1 with a fresh capability token, connects two clients to it
 * (the second continues the first one's thread), and shows a wrong token being refused.
 *
 *   npx tsx samples/remote-runtime.ts          # on the bundled fake model, offline
 *   npx tsx samples/remote-runtime.ts --live   # on your Codex account (your ~/.codex)
 */
import { AsyncCodex, AuthenticationError, startRuntimeServer } from "codex-app-sdk";
import { createOfflineEnvironment } from "codex-app-sdk/testing";

const live = process.argv.includes("--live");
await using env = live ? undefined : await createOfflineEnvironment();

// In production, start the server once (or run `codex app-server --listen ws://IP:PORT --ws-auth …`
// yourself) and give its URL and token to short-lived workers.
await using server = await startRuntimeServer(env ? { codexHome: env.codexHome, cwd: env.workdir } : {});
console.log(`server listens on ${server.url.replace(/:\d+$/, ":<port>")}, token ${server.token ? "set" : "none"}`);

// `server.remote` is `{ url, token }`; reconnect: a dropped connection is reopened and its open turns resumed.
let threadId: string;
{
  await using first = new AsyncCodex({ remote: { ...server.remote, reconnect: true } });
  const thread = await first.threadStart();
  threadId = thread.id;
  console.log(`client 1: ${(await thread.run("Remember the word kumquat.")).finalResponse}`);
}

{
  // Another connection to the same runtime: it must resume the thread to see its events.
  await using second = new AsyncCodex({ remote: server.remote });
  const thread = await second.threadResume(threadId);
  console.log(`client 2, same thread: ${(await thread.run("Which word?")).finalResponse}`);
}

const intruder = new AsyncCodex({ remote: { url: server.url, token: "not-the-token" } });
try {
  await intruder.start();
} catch (error) {
  if (!(error instanceof AuthenticationError)) throw error;
  console.log(`wrong token: ${error.name} (HTTP ${error.status}: ${error.runtimeMessage})`);
}
