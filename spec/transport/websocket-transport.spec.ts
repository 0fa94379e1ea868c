import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeFile } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { SignJWT } from "jose";
import { WebSocketServer } from "ws";
import { AsyncCodex, AuthenticationError, InvalidArgumentError, startRuntimeServer, TransportClosedError } from "../../lib/index.js";
import { resolveCodexBinary } from "../../lib/transport/codex-binary.js";
import { WebSocketTransport } from "../../lib/transport/websocket-transport.js";
import { createOfflineEnvironment, type OfflineEnvironment } from "../../lib/testing/index.js";
import { assertInvalid, within } from "../support/assertions.js";
import { TEST_CA_PEM, tlsTerminator } from "../fixtures/tls-terminator.js";

/** A fresh offline environment and a ws runtime server on it (a capability token), closed after the test. */
async function serverOn(t: TestContext, listen: "ws" | "unix" = "ws") {
  const env = await createOfflineEnvironment();
  const server = await startRuntimeServer({ codexHome: env.codexHome, cwd: env.workdir, listen });
  t.after(async () => {
    await server.close();
    await env.close();
  });
  return { env, server };
}

/** A client closed after the test, with every error it reported. */
function client(t: TestContext, options: ConstructorParameters<typeof AsyncCodex>[0]) {
  const errors: Error[] = [];
  const codex = new AsyncCodex({ onError: (error) => errors.push(error), ...options });
  t.after(() => codex.close());
  return { codex, errors };
}

/** Everything an error says about itself, its causes included. */
function everything(error: unknown): string {
  let text = "";
  for (let current = error; current instanceof Error; current = current.cause) text += `${current.message}\n${current.stack ?? ""}\n${JSON.stringify(current)}\n`;
  return text;
}

test("a right token connects and runs a turn over ws; the runtime runs no Origin check failure", async (t) => {
  const { server } = await serverOn(t);
  assert.match(server.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
  const { codex } = client(t, { remote: server.remote });
  const thread = await codex.threadStart();
  assert.equal((await thread.run("over the socket")).finalResponse, "echo: over the socket");
  assert.equal(codex.metadata.serverVersion, "0.169.0");
});

test("a wrong token, and no token, fail with AuthenticationError within a second, naming the URL and never the token", async (t) => {
  const { server } = await serverOn(t);
  const wrong = "wrong-token-0123456789abcdefghij";
  for (const [remote, said] of [
    [{ url: server.url, token: wrong }, /invalid websocket bearer token/],
    [{ url: server.url }, /missing websocket bearer token/],
  ] as const) {
    const { codex, errors } = client(t, { remote });
    const startedAt = performance.now();
    const error = await codex.threadStart().catch((caught: unknown) => caught);
    assert.ok(performance.now() - startedAt < 1000, "refused within a second");
    assert.ok(error instanceof AuthenticationError, String(error));
    assert.equal(error.status, 401);
    assert.equal(error.url, server.url);
    assert.match(error.message, said);
    assert.ok(error.message.includes(server.url));
    for (const text of [everything(error), ...errors.map(everything)]) {
      assert.ok(!text.includes(wrong) && !text.includes(server.token as string), "no token in any message");
    }
  }
});

/** A runtime with `--ws-auth signed-bearer-token`, its secret in a file, as an operator starts it. */
async function jwtRuntime(t: TestContext, env: OfflineEnvironment, secret: string): Promise<string> {
  const binary = resolveCodexBinary({ codexBin: undefined, env: process.env });
  const secretFile = join(env.codexHome, "ws-secret");
  await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  const args = ["app-server", "--listen", "ws://127.0.0.1:0", "--ws-auth", "signed-bearer-token", "--ws-shared-secret-file", secretFile, "--ws-issuer", "sdk-tests", "--ws-audience", "codex", "--ws-max-clock-skew-seconds", "0"];
  const child = spawn(binary.path, args, { env: { ...process.env, ...binary.env, CODEX_HOME: env.codexHome }, cwd: env.workdir, stdio: ["ignore", "ignore", "pipe"] });
  t.after(async () => {
    child.kill("SIGKILL");
    if (child.exitCode === null && child.signalCode === null) await once(child, "close");
  });
  let stderr = "";
  return within(
    new Promise<string>((resolve) =>
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
        const url = /listening on: (ws:\/\/\S+)/.exec(stderr)?.[1];
        if (url) resolve(url);
      }),
    ),
    "the JWT runtime to listen",
  );
}

test("a JWT minted from the right secret connects; a bad secret and an expired JWT fail with AuthenticationError", async (t) => {
  const env = await createOfflineEnvironment();
  t.after(() => env.close());
  const secret = "a-shared-secret-of-at-least-32-bytes-for-hs256";
  const url = await jwtRuntime(t, env, secret);
  const good = client(t, { remote: { url, jwt: { secret, issuer: "sdk-tests", audience: "codex" } } });
  assert.equal((await (await good.codex.threadStart()).run("signed")).finalResponse, "echo: signed");

  const badSecret = "another-secret-that-is-also-32-bytes-long!!";
  for (const [jwt, said] of [
    [{ secret: badSecret, issuer: "sdk-tests", audience: "codex" }, /invalid websocket jwt/],
    [{ secret, issuer: "someone-else", audience: "codex" }, /issuer mismatch/],
  ] as const) {
    const { codex, errors } = client(t, { remote: { url, jwt } });
    const startedAt = performance.now();
    const error = await codex.start().catch((caught: unknown) => caught);
    assert.ok(performance.now() - startedAt < 1000, "refused within a second");
    assert.ok(error instanceof AuthenticationError && error.status === 401, String(error));
    assert.match(error.message, said);
    for (const text of [everything(error), ...errors.map(everything)]) assert.ok(!text.includes(jwt.secret), "no secret in any message");
  }

  // A JWT that expired a minute ago (the SDK mints fresh ones, so this one is made by hand).
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setIssuer("sdk-tests").setAudience("codex").setExpirationTime(now - 60).sign(new TextEncoder().encode(secret));
  const transport = new WebSocketTransport({ url, bearerToken: () => Promise.resolve(expired) });
  const startedAt = performance.now();
  const error = await transport.start().catch((caught: unknown) => caught);
  assert.ok(performance.now() - startedAt < 1000, "refused within a second");
  assert.ok(error instanceof AuthenticationError && error.status === 401, String(error));
  assert.match(error.message, /expired websocket jwt/);
  assert.ok(!everything(error).includes(expired), "the JWT is in no message");
});

test("the upgrade carries the bearer token and no Origin; a 403 becomes an AuthenticationError that names the Origin rule", async (t) => {
  const upgrades: IncomingHttpHeaders[] = [];
  const http = createServer((_request, response) => response.writeHead(404).end());
  http.on("upgrade", (request, socket) => {
    upgrades.push(request.headers);
    socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  });
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  t.after(() => http.close());
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const { codex } = client(t, { remote: { url, token: "capability-token-value" } });
  const error = await codex.start().catch((caught: unknown) => caught);
  assert.ok(error instanceof AuthenticationError && error.status === 403, String(error));
  assert.match(error.message, /Origin/);
  assert.equal(upgrades.length, 1);
  assert.equal(upgrades[0]?.authorization, "Bearer capability-token-value");
  assert.equal(upgrades[0]?.origin, undefined);
});

test("wss:// through a TLS proxy runs a turn with the CA given as remote.ca; an untrusted certificate fails at once, saying so and never showing the token", async (t) => {
  const { server } = await serverOn(t);
  const terminator = await tlsTerminator(Number(new URL(server.url).port));
  t.after(() => terminator.close());
  const url = `wss://127.0.0.1:${terminator.port}`;
  const token = server.token as string;

  const untrusted = client(t, { remote: { url, token } });
  const startedAt = performance.now();
  const error = await within(untrusted.codex.start().catch((caught: unknown) => caught), "the refused TLS handshake");
  assert.ok(performance.now() - startedAt < 1000, "refused within a second");
  assert.ok(error instanceof TransportClosedError, String(error));
  assert.match(error.message, /could not connect to wss:\/\/127\.0\.0\.1:\d+: the server's TLS certificate is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate\); pass the certificate of the authority that signed it as remote\.ca/);
  for (const text of [everything(error), ...untrusted.errors.map(everything)]) assert.ok(!text.includes(token), "no token in any message");

  const trusted = client(t, { remote: { url, token, ca: TEST_CA_PEM } });
  const thread = await trusted.codex.threadStart();
  assert.equal((await thread.run("over tls")).finalResponse, "echo: over tls");
  assert.equal(trusted.codex.metadata.serverVersion, "0.169.0");
});

test("a ws:// port nobody listens on fails with the connect error itself, not a bare close", async (t) => {
  const http = createServer();
  http.listen(0, "127.0.0.1");
  await once(http, "listening");
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  await new Promise((resolve) => http.close(resolve));
  const { codex } = client(t, { remote: { url } });
  const error = await within(codex.start().catch((caught: unknown) => caught), "the refused connect");
  assert.ok(error instanceof TransportClosedError, String(error));
  assert.match(error.message, /could not connect to ws:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
});

test("a message over 64 MiB is refused before sending and the connection survives", async (t) => {
  const { server } = await serverOn(t);
  const { codex } = client(t, { remote: server.remote });
  const thread = await codex.threadStart();
  await assert.rejects(
    () => thread.run("x".repeat(65 * 1024 * 1024)),
    (error: unknown) => error instanceof InvalidArgumentError && error.argument === "the turn/start message" && /over the runtime's 64 MiB WebSocket message limit/.test(error.message),
  );
  assert.equal((await thread.run("still connected")).finalResponse, "echo: still connected");
});

test("a message over the runtime's 16 MiB frame limit goes as fragments and is answered", async (t) => {
  const { server } = await serverOn(t);
  const transport = new WebSocketTransport({ url: server.url, bearerToken: () => Promise.resolve(server.token) });
  await transport.start();
  t.after(() => transport.close());
  const replies = transport.messages[Symbol.asyncIterator]();
  const reply = async (id: number): Promise<Record<string, unknown>> => {
    for (;;) {
      const { value } = (await within(replies.next(), `reply ${id}`)) as IteratorResult<Record<string, unknown>>;
      if (value.id === id) return value;
    }
  };
  transport.send({ id: 1, method: "initialize", params: { clientInfo: { name: "frames", version: "0" } } });
  assert.ok((await reply(1)).result);
  transport.send({ method: "initialized" });
  // One 20 MiB frame would make the runtime drop the connection without a word.
  transport.send({ id: 2, method: "thread/list", params: { limit: 1, searchTerm: "y".repeat(20 * 1024 * 1024) } });
  const answered = await reply(2);
  assert.ok("result" in answered || "error" in answered, "the runtime answered");
  transport.send({ id: 3, method: "thread/list", params: { limit: 1 } });
  assert.ok((await reply(3)).result, "the connection is still up");
});

test("a Unix socket server and a proxy command both carry a turn", async (t) => {
  const { server } = await serverOn(t, "unix");
  assert.match(server.url, /^unix:\/\/\/.+\.sock$/);
  assert.equal(server.token, undefined);
  const overSocket = client(t, { remote: { url: server.url } });
  const thread = await overSocket.codex.threadStart();
  assert.equal((await thread.run("over unix")).finalResponse, "echo: over unix");

  const binary = resolveCodexBinary({ codexBin: undefined, env: process.env });
  const socketPath = server.url.slice("unix://".length);
  const overProxy = client(t, { remote: { command: [binary.path, "app-server", "proxy", "--sock", socketPath] } });
  const resumed = await overProxy.codex.threadResume(thread.id);
  assert.equal((await resumed.run("through the proxy")).finalResponse, "echo: through the proxy");
});

test("a proxy command that fails reports its stderr in the TransportClosedError", async (t) => {
  const binary = resolveCodexBinary({ codexBin: undefined, env: process.env });
  const { codex } = client(t, { remote: { command: [binary.path, "app-server", "proxy", "--sock", "/nonexistent/codex.sock"] } });
  await assert.rejects(() => codex.start(), (error: unknown) => error instanceof TransportClosedError && /failed to connect to socket/.test(error.message));
});

test("a peer that stops answering pings is a dropped connection within two intervals", async (t) => {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, autoPong: false });
  await once(wss, "listening");
  t.after(() => new Promise((resolve) => wss.close(resolve)));
  wss.on("connection", (socket) => t.after(() => socket.terminate()));
  const transport = new WebSocketTransport({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, pingIntervalMs: 100 });
  await transport.start();
  const startedAt = performance.now();
  const ended = (async () => {
    for await (const _ of transport.messages);
  })();
  await assert.rejects(ended, (error: unknown) => error instanceof TransportClosedError && /did not answer a ping within 100 ms/.test(error.message));
  const tookMs = performance.now() - startedAt;
  assert.ok(tookMs >= 150 && tookMs < 1000, `declared dead after ${tookMs} ms`);
  await transport.close();
});

test("remote options are checked before anything connects", () => {
  assertInvalid(() => new AsyncCodex({ remote: { url: "http://127.0.0.1:1" } }), "options.remote.url", /ws:\/\/, wss:\/\/ or unix/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://user:secret@127.0.0.1:1" } }), "options.remote.url", /no credentials/);
  assertInvalid(() => new AsyncCodex({ remote: {} }), "options.remote", /exactly one of url and command/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1", command: ["x"] } }), "options.remote", /exactly one/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1", token: "t", jwt: { secret: "s".repeat(32) } } }), "options.remote.jwt", /cannot be combined/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1", jwt: { secret: "too short" } } }), "options.remote.jwt.secret", /at least 32 bytes/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1", tokn: "t" } as never }), "options.remote.tokn", /did you mean token/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1", reconnect: { timeout: 1 } } as never }), "options.remote.reconnect.timeout", /did you mean timeoutMs/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1" }, config: { model: "m" } }), "options.config", /applies to a runtime the SDK spawns/);
  assertInvalid(() => new AsyncCodex({ remote: { command: [] } }), "options.remote.command", /non-empty array/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "ws://127.0.0.1:1", ca: TEST_CA_PEM } }), "options.remote.ca", /only to a wss:\/\/ url/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "wss://127.0.0.1:1", ca: "not a certificate" } }), "options.remote.ca", /must be a PEM certificate/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "wss://127.0.0.1:1", ca: [TEST_CA_PEM, 42 as never] } }), "options.remote.ca[1]", /PEM string or its bytes, got number 42/);
  assertInvalid(() => new AsyncCodex({ remote: { url: "wss://127.0.0.1:1", ca: [] } }), "options.remote.ca", /at least one certificate/);
  assert.doesNotThrow(() => new AsyncCodex({ remote: { url: "wss://127.0.0.1:1", ca: [new TextEncoder().encode(TEST_CA_PEM)] } }), "PEM bytes are accepted");
});
