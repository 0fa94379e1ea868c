/**
 * History as async iterables: page through a thread's turns and items, and the stored threads,
 * fetching a page only when the loop gets there; `break` stops fetching.
 *
 *   npx tsx samples/history-paging.ts [--live]
 */
import { openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex();
const thread = await sample.codex.threadStart({ cwd: sample.cwd });
for (const question of ["What is 1 + 1?", "And 2 + 2?", "And 3 + 3?", "And 4 + 4?", "And 5 + 5?"]) await thread.run(question);

// Newest first, two turns per request.
const statuses: string[] = [];
for await (const turn of thread.turns({ pageSize: 2 })) statuses.push(turn.status);
console.log(`turns, newest first: ${statuses.length} (${statuses.join(", ")})`);

// Oldest first, stopping at the first answer: only the first page is ever fetched.
for await (const { item } of thread.items({ pageSize: 2 })) {
  if (item.type === "agentMessage") {
    console.log(`first answer: ${item.text}`);
    break;
  }
}

// Every stored thread, page by page; an AbortSignal bounds the whole walk.
let storedThreads = 0;
for await (const stored of sample.codex.threads({ pageSize: 10, signal: AbortSignal.timeout(30_000) })) {
  storedThreads += 1;
  console.log(`stored thread ${stored.id === thread.id ? "is ours" : "is another"}, preview: ${stored.preview}`);
}
console.log(`stored threads: ${storedThreads}`);
