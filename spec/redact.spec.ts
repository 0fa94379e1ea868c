import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactedPreview, redactSecrets } from "../lib/redact.js";

/** A syntactically valid JWT (header `{"alg":"HS256","typ":"JWT"}`). */
const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

describe("redactSecrets", () => {
  it("redacts OpenAI-style API keys, including project keys", () => {
    assert.equal(redactSecrets("using key sk-abcdefghijklmnop1234 now"), "using key [REDACTED] now");
    assert.equal(redactSecrets("key=sk-proj-AbC_dEf-123456789xyz"), "key=[REDACTED]");
  });

  it("redacts the token of an Authorization: Bearer header and keeps the scheme", () => {
    assert.equal(redactSecrets("Authorization: Bearer abc.DEF-123_456~xyz="), "Authorization: Bearer [REDACTED]");
    assert.equal(redactSecrets("authorization: bearer 0123456789abcdef"), "authorization: bearer [REDACTED]");
  });

  it("redacts api_key, token, secret and password assignments and keeps their names", () => {
    assert.equal(redactSecrets("api_key=abcdef123456"), "api_key=[REDACTED]");
    assert.equal(redactSecrets("API-KEY: abcdef123456"), "API-KEY: [REDACTED]");
    assert.equal(redactSecrets("apikey = 'abcdef123456'"), "apikey = '[REDACTED]'");
    assert.equal(redactSecrets('{"api_key": "abcdef123456", "n": 1}'), '{"api_key": "[REDACTED]", "n": 1}');
    assert.equal(redactSecrets("token=zyxwvu987654&x=1"), "token=[REDACTED]");
    assert.equal(redactSecrets("password: hunter2hunter2"), "password: [REDACTED]");
    assert.equal(redactSecrets("secret=s3cr3t-value"), "secret=[REDACTED]");
  });

  it("redacts assignments whose name has a prefix, like environment variables and OAuth parameters", () => {
    assert.equal(redactSecrets("OPENAI_API_KEY=0123456789abcdef0123"), "OPENAI_API_KEY=[REDACTED]");
    assert.equal(redactSecrets("GET /cb?access_token=ya29.a0AfH6SMB&state=1"), "GET /cb?access_token=[REDACTED]");
    assert.equal(redactSecrets("client_secret: abcdef123456"), "client_secret: [REDACTED]");
  });

  it("redacts a bare JWT", () => {
    assert.equal(redactSecrets(`id token ${JWT} expired`), "id token [REDACTED] expired");
  });

  it("redacts every secret in a multi-line text", () => {
    const text = `line 1 sk-aaaaaaaaaaaaaaaa\nline 2 Bearer bbbbbbbbbbbbbbbb\nline 3 ${JWT}`;
    const redacted = redactSecrets(text);
    assert.equal(redacted, "line 1 [REDACTED]\nline 2 Bearer [REDACTED]\nline 3 [REDACTED]");
  });

  it("leaves ordinary runtime output untouched", () => {
    const ordinary = [
      "",
      "WARNING: proceeding, even though we could not create PATH aliases",
      "2026-01-01T00:00:00Z INFO codex_app_server: thread 019a-bc started in /tmp/work dir",
      "used max_tokens=100000 and 1234 tokens in total; tokenizer cl100k",
      "risk-assessment and task-manager-service are running",
      "Bearer auth failed", // too short to be a token
      "sk-short",
      "https://example.com/v1/responses?stream=true",
      "café 😀 naïve — unicode stays",
    ];
    for (const text of ordinary) assert.equal(redactSecrets(text), text);
  });

  it("returns the same result when applied twice", () => {
    const once = redactSecrets(`api_key=abcdef123456 Bearer ${JWT} sk-abcdefghijklmnop`);
    assert.equal(redactSecrets(once), once);
    assert.doesNotMatch(once, /abcdef123456|eyJ|sk-abc/);
  });
});

describe("redactedPreview", () => {
  it("redacts before cutting, so a secret straddling the cut leaves no tail behind", () => {
    const text = `${"x".repeat(190)} sk-${"a".repeat(40)} and more`;
    assert.equal(redactedPreview(text), `${"x".repeat(190)} [REDACTED…`);
  });

  it("keeps short text whole and cuts long text to the limit with an ellipsis", () => {
    assert.equal(redactedPreview("plain"), "plain");
    assert.equal(redactedPreview("y".repeat(500), 10), `${"y".repeat(10)}…`);
  });
});
