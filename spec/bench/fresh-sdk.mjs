// A fresh process's first call through the SDK, for the fresh-process benchmark: import the
// built package (its URL is argv[2]), start the runtime, answer `models()`, then write one line.
// The runtime's CODEX_HOME and PATH come from this process's environment; the cwd is argv[3].
// With BENCH_PHASES=1 it writes the time of each phase first (ms since this process started).

const phases = process.env.BENCH_PHASES === "1";
const mark = (what) => phases && process.stdout.write(`${what} ${performance.now().toFixed(1)}\n`);
mark("script");
const { AsyncCodex } = await import(process.argv[2]);
mark("imported");
const codex = new AsyncCodex({ cwd: process.argv[3] });
try {
  await codex.models();
  mark("answered");
  process.stdout.write("answered\n");
} finally {
  await codex.close();
}
