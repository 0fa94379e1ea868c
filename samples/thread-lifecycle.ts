/**
 * Thread lifecycle: name, read, fork, archive, unarchive, list and compact a thread.
 *
 *   npx tsx samples/thread-lifecycle.ts [--live]
 */
import { openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex();
const { codex } = sample;

const thread = await codex.threadStart({ cwd: sample.cwd });
await thread.run("Start a plan for a garden.");
await thread.setName("garden plan");

const { thread: info } = await thread.read({ includeTurns: true });
console.log(`name: ${info.name}, turns: ${info.turns.length}`);

const fork = await codex.threadFork(thread.id);
console.log(`fork ${fork.id === thread.id ? "reused" : "got a new"} id; forked from the original: ${(await fork.read()).thread.forkedFromId === thread.id}`);

await thread.compact();
console.log("compaction started");

await codex.threadArchive(thread.id);
const archived = await codex.threadList({ archived: true });
console.log(`archived list has the thread: ${archived.data.some((listed) => listed.id === thread.id)}`);

await codex.threadUnarchive(thread.id);
const active = await codex.threadList();
console.log(`active list has the thread again: ${active.data.some((listed) => listed.id === thread.id)}`);
