/** How a connection proves itself to a runtime started with `--ws-auth signed-bearer-token`. */
export interface JwtAuthOptions {
  /**
   * The runtime's shared secret (the content of its `--ws-shared-secret-file`), at least 32 bytes.
   * Surrounding whitespace is trimmed, as the runtime trims the file.
   */
  secret: string | Uint8Array;
  /** The `iss` claim, when the runtime checks one (`--ws-issuer`). Default: none. */
  issuer?: string;
  /** The `aud` claim, when the runtime checks one (`--ws-audience`). Default: none. */
  audience?: string;
  /**
   * Lifetime of each minted token, in seconds. The runtime checks the token only at the upgrade,
   * so it need only outlive the connect. Default: `60`.
   */
  ttlSeconds?: number;
}

/** The secret's bytes, trimmed like the runtime trims its secret file. */
export function jwtSecretBytes(secret: string | Uint8Array): Uint8Array {
  const text = typeof secret === "string" ? secret : Buffer.from(secret).toString("latin1");
  return Buffer.from(text.trim(), typeof secret === "string" ? "utf8" : "latin1");
}

/**
 * Mints a fresh HS256 JWT, with `iat` and `exp` (and `iss`/`aud` when set), for one connection.
 *
 * @example
 * ```ts
 * const token = await mintJwt({ secret: "a shared secret of at least 32 bytes!!", audience: "codex-pool" });
 * ```
 */
export async function mintJwt(options: JwtAuthOptions): Promise<string> {
  const { issuer, audience, ttlSeconds = 60 } = options;
  // Loaded on first use, not at import: only JWT-authenticated remote clients need `jose`.
  const { SignJWT } = await import("jose");
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({}).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(now).setExpirationTime(now + ttlSeconds);
  if (issuer !== undefined) jwt = jwt.setIssuer(issuer);
  if (audience !== undefined) jwt = jwt.setAudience(audience);
  return jwt.sign(jwtSecretBytes(options.secret));
}
