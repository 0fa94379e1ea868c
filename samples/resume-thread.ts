/**
 * Resuming a thread: keep its id, close the runtime, and continue the conversation later, from a
 * new AsyncCodex (a new process, or a new serverless invocation) with the same CODEX_HOME.
 *
 *   npx tsx samples/resume-thread.ts [--live]
 */
import { AsyncCodex } from "codex-app-sdk";
import { openSampleCodex } from "./support/sample-codex.js";

await using sample = await openSampleCodex({ replies: [
  { type: "text", text: "Noted: your favourite fruit is the kumquat." },
  { type: "text", text: "You told me it is the kumquat." },
] });

const first = await sample.codex.threadStart({ cwd: sample.cwd });
console.log(`first answer: ${(await first.run("My favourite fruit is the kumquat.")).finalResponse}`);
const threadId = first.id;
await sample.codex.close(); // the runtime is gone; the thread is stored under CODEX_HOME

// Later: a fresh AsyncCodex with the same options picks the thread up by id.
await using later = new AsyncCodex(sample.options);
const thread = await later.threadResume(threadId);
console.log(`resumed thread ${thread.id === threadId ? "has the same id" : "changed id"}`);
console.log(`second answer: ${(await thread.run("What is my favourite fruit?")).finalResponse}`);
