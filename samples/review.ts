/**
 * Code review: review the uncommitted changes of a git repository, print the review, and stop a
 * second review that takes too long.
 *
 *   npx tsx samples/review.ts [--live]
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSampleCodex } from "./support/sample-codex.js";

// Offline, the fake reviewer answers in the JSON the review guidelines ask for, then hangs.
const findings = {
  findings: [{ title: "[P1] add() subtracts", body: "add returns a - b instead of a + b", confidence_score: 0.9, priority: 1, code_location: { absolute_file_path: "calc.py", line_range: { start: 2, end: 2 } } }],
  overall_correctness: "patch is incorrect",
  overall_explanation: "add() is broken.",
  overall_confidence_score: 0.8,
};
await using sample = await openSampleCodex({ replies: [{ type: "text", text: JSON.stringify(findings) }, { type: "hang" }] });

// A repository with one commit and an uncommitted bug (offline only: live, review the current directory).
if (sample.cwd !== process.cwd()) {
  const git = (...args: string[]): void => void execFileSync("git", ["-c", "user.email=sample@example.invalid", "-c", "user.name=sample", ...args], { cwd: sample.cwd, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("commit", "-q", "--allow-empty", "-m", "initial");
  writeFileSync(join(sample.cwd, "calc.py"), "def add(a, b):\n    return a - b\n");
}

const thread = await sample.codex.threadStart({ cwd: sample.cwd });
const review = await thread.review({ type: "uncommittedChanges" });
const { status, finalResponse } = await review.run();
console.log(`review ${status}:\n${finalResponse}`);

// Other targets: { type: "baseBranch", branch: "main" }, { type: "commit", sha }, { type: "custom", instructions }.
const second = await thread.review({ type: "custom", instructions: "Look for division by zero." });
for await (const n of second) {
  // The reviewer runs as a child turn; interrupt() finds it by itself.
  if (n.method === "turn/started") await second.interrupt();
  if (n.method === "turn/completed") console.log(`second review ended: ${n.params.turn.status}`);
}
