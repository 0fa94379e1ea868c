// A fresh process's first call through a raw driver, for the fresh-process benchmark: the least
// any client must do (spawn the binary given as argv[2] in the cwd argv[3], `initialize`,
// `initialized`, `model/list`), then write one line. Environment as the runtime's.

import { spawn } from "node:child_process";

const child = spawn(process.argv[2], ["app-server"], { cwd: process.argv[3], stdio: ["pipe", "pipe", "pipe"] });
child.stderr.resume();
child.stdout.setEncoding("utf8");
const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);
let partial = "";
child.stdout.on("data", (chunk) => {
  const lines = (partial + chunk).split("\n");
  partial = lines.pop();
  for (const line of lines) {
    const message = JSON.parse(line);
    if (message.id === 1) {
      send({ jsonrpc: "2.0", method: "initialized" });
      send({ jsonrpc: "2.0", id: 2, method: "model/list", params: { includeHidden: false } });
    } else if (message.id === 2) {
      process.stdout.write("answered\n");
      child.stdin.end();
    }
  }
});
send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { clientInfo: { name: "raw_driver", version: "0.0.0" }, capabilities: { experimentalApi: true } } });
