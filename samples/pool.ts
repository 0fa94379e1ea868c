/**
 * A pool of runtimes: threads spread over members, each thread's turns stay on its member, and a
 * member is drained (its threads move, with their history) without stopping the others.
 *
 *   npx tsx samples/pool.ts [--live]
 */
import { CodexPool } from "codex-app-sdk";
import { openSampleCodex } from "./support/sample-codex.js";

// Only for its options: the offline CODEX_HOME (or yours with --live) that the members share.
await using sample = await openSampleCodex();
await sample.codex.close();
await using pool = new CodexPool({ spawn: 2, ...sample.options });

const threads = await Promise.all([1, 2, 3, 4].map(() => pool.threadStart({ cwd: sample.cwd })));
await Promise.all(threads.map((thread, index) => thread.run(`Remember the number ${index + 1}.`)));
for (const member of pool.stats()) console.log(`${member.id}: ${member.threads} threads, ${member.turnsDone} turns done`);

const moving = threads.filter((thread) => pool.memberOf(thread) === "member-1");
await pool.drain("member-1"); // its threads move to member-2; member-1 is closed
console.log(`after the drain: ${pool.stats().map((member) => `${member.id} holds ${member.threads}`).join(", ")}`);
const { finalResponse } = await moving[0]!.run("Which number did I ask you to remember?");
console.log(`a moved thread still answers: ${finalResponse}`);
