/** What the first characters of a JSON-RPC message say about it, when the rest could not be read. */
export interface MessageHead {
  /** The request id of a response (a message with an id and no method first). */
  responseId: number | undefined;
  /** The method of a notification or server request. */
  method: string | undefined;
  /** The first `threadId` in it. */
  threadId: string | undefined;
  /** The first `turnId`, or the `turn.id` of a `turn/*` notification. */
  turnId: string | undefined;
}

/**
 * Reads the method and ids out of the start of a message the transport dropped as too long. The
 * runtime writes a response's `id` first, a notification's `method` first, and the `threadId` and
 * turn id of `turn/started|completed` before the turn's items, which is what makes a turn whose
 * `turn/completed` was dropped recognisable.
 */
export function readMessageHead(head: string): MessageHead {
  const method = /^\s*\{\s*"method"\s*:\s*"([^"]+)"/.exec(head)?.[1];
  const responseId = method === undefined ? /^\s*\{\s*"id"\s*:\s*(\d+)\s*,\s*"(?:result|error)"/.exec(head)?.[1] : undefined;
  const threadId = /"threadId"\s*:\s*"([^"]+)"/.exec(head)?.[1];
  const turnId = /"turnId"\s*:\s*"([^"]+)"/.exec(head)?.[1] ?? (method?.startsWith("turn/") ? /"turn"\s*:\s*\{\s*"id"\s*:\s*"([^"]+)"/.exec(head)?.[1] : undefined);
  return { responseId: responseId === undefined ? undefined : Number(responseId), method, threadId, turnId };
}
