import assert from "node:assert/strict";
import { test } from "node:test";
import { unwrapShellCommand } from "../../lib/server-requests/shell-command.js";

test("unwrapShellCommand returns the script inside the runtime's bash -lc wrapper, unquoted", () => {
  assert.equal(unwrapShellCommand("/bin/bash -lc 'echo hello'"), "echo hello");
  assert.equal(unwrapShellCommand("/bin/bash -lc 'ls -la && cat README.md | head -5'"), "ls -la && cat README.md | head -5");
  assert.equal(unwrapShellCommand(`/bin/bash -lc "echo 'a b' > out.txt"`), "echo 'a b' > out.txt");
  assert.equal(unwrapShellCommand("/bin/bash -lc 'it'\\''s'"), "it's");
  assert.equal(unwrapShellCommand('/bin/bash -lc "say \\"hi\\" \\$HOME \\n"'), 'say "hi" $HOME \\n');
  assert.equal(unwrapShellCommand("/usr/bin/zsh -lc 'pwd'"), "pwd");
  assert.equal(unwrapShellCommand("sh -c 'pwd'"), "pwd");
});

test("unwrapShellCommand leaves a command it cannot unwrap as it is, and gives null for none", () => {
  for (const command of ["ls -la", "/bin/bash -lc 'a' extra", "/bin/bash -lc 'unterminated", "/bin/bash -lc $(rm x)", "powershell -Command ls"]) {
    assert.equal(unwrapShellCommand(command), command);
  }
  assert.equal(unwrapShellCommand(null), null);
  assert.equal(unwrapShellCommand(undefined), null);
});
