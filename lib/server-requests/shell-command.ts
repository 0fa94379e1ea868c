/**
 * The runtime runs a model's command through a login shell and reports it wrapped:
 * `/bin/bash -lc 'ls -la && cat README.md'`. This recovers the script inside, as the model wrote it.
 *
 * @module
 */

const WRAPPER = /^(?:\S*\/)?(?:bash|zsh|sh) -l?c (.+)$/s;

/**
 * The script inside a `bash -lc '…'` (or `sh -c`, `zsh -lc`) command, unquoted; the command as is
 * when it is not wrapped that way; `null` for no command.
 *
 * @example
 * ```ts
 * unwrapShellCommand("/bin/bash -lc 'echo hello'"); // "echo hello"
 * unwrapShellCommand(`/bin/bash -lc "echo 'a b' > out.txt"`); // "echo 'a b' > out.txt"
 * ```
 */
export function unwrapShellCommand(command: string | null | undefined): string | null {
  if (typeof command !== "string") return null;
  const wrapped = WRAPPER.exec(command)?.[1];
  return (wrapped === undefined ? undefined : unquoteWord(wrapped)) ?? command;
}

/** The value of one POSIX shell word made of quoted and plain parts; `undefined` if `text` is not exactly one word. */
function unquoteWord(text: string): string | undefined {
  let value = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index] as string;
    if (char === "'") {
      const end = text.indexOf("'", index + 1);
      if (end === -1) return undefined;
      value += text.slice(index + 1, end);
      index = end + 1;
    } else if (char === '"') {
      index += 1;
      for (; index < text.length && text[index] !== '"'; index += 1) {
        // Inside double quotes a backslash escapes only $ ` " \ and a newline.
        if (text[index] === "\\" && '$`"\\\n'.includes(text[index + 1] ?? "")) index += 1;
        value += text[index];
      }
      if (index >= text.length) return undefined;
      index += 1;
    } else if (char === "\\") {
      value += text[index + 1] ?? "";
      index += 2;
    } else if (/\s/.test(char) || "|&;<>()$`".includes(char)) {
      return undefined;
    } else {
      value += char;
      index += 1;
    }
  }
  return value;
}
