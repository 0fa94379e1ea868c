/**
 * Redacts strings that look like credentials from text the SDK quotes back to users (runtime
 * stderr in error messages), so an API key echoed by the runtime never lands in a log.
 */
const REDACTIONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[REDACTED]"],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, "[REDACTED]"],
  // Not `\b`: `_` is a word character, and OPENAI_API_KEY= or access_token= must match too.
  [/(?<![A-Za-z0-9])(api[_-]?key|token|secret|password)(["']?\s*[:=]\s*["']?)[^\s"',]{6,}/gi, "$1$2[REDACTED]"],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g, "[REDACTED]"],
];

/** Returns `text` with anything that looks like an API key, bearer token or JWT replaced by `[REDACTED]`. */
export function redactSecrets(text: string): string {
  return REDACTIONS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

/**
 * A short, safe quote of `text` for an error message: redacted before it is cut (so a cut cannot
 * leave the unrecognisable tail of a secret behind), at most `maxLength` characters, and copied,
 * because a V8 slice keeps its whole source string alive (a 50 MB line would live as long as the error).
 */
export function redactedPreview(text: string, maxLength = 200): string {
  const redacted = redactSecrets(text.slice(0, 1000));
  return Buffer.from(redacted.length > maxLength ? `${redacted.slice(0, maxLength)}…` : redacted).toString();
}
