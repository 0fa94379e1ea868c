/**
 * History and listings as async iterables: each pages a cursor-based list method, fetching the
 * next page only when the consumer asks for an entry past the current one, and stops on `break`.
 *
 * @module
 */
import type { GenericSchema } from "valibot";
import { checkKnownKeys, checkObject, describe } from "../arguments.js";
import { InvalidArgumentError } from "../errors.js";
import { PageSchema } from "../protocol/schemas.js";
import type { CallOptions, Session } from "../session.js";

/** Options every paging iterable takes. */
export interface PageOptions extends CallOptions {
  /** Entries asked for per request (the wire's `limit`). Default: the runtime's own page size. */
  pageSize?: number;
}

/** A page of a cursor-based list, as the runtime answers it. */
interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const PAGE_OPTIONS = ["signal", "trace", "pageSize"];

/**
 * Checks the options of a paging call, with `extra` the call's own keys.
 *
 * @returns the wire `limit` (absent when `pageSize` is not given) and the call options.
 */
export function pageOptions(options: unknown, extra: readonly string[] = []): { limit: number | undefined; call: CallOptions } {
  checkObject(options, "options");
  checkKnownKeys(options, [...PAGE_OPTIONS, ...extra], "options");
  const { pageSize, signal, trace } = options as PageOptions;
  if (pageSize !== undefined && (!Number.isInteger(pageSize) || pageSize < 1)) {
    throw new InvalidArgumentError("options.pageSize", `must be a positive integer, got ${describe(pageSize)}`);
  }
  return { limit: pageSize, call: { signal, trace } };
}

/**
 * Pages `method`: sends `params` with `cursor` and `limit` set, yields each page's `data` entries,
 * and follows `nextCursor` until it is `null`. Lazy: the first request goes out at the first
 * `next()`, each following one only when the consumer has taken every entry of the page before.
 * A `break` or an aborted signal ends it; nothing more is fetched.
 */
export async function* pages<T>(
  session: Session,
  method: string,
  params: Record<string, unknown>,
  limit: number | undefined,
  call: CallOptions,
  schema: GenericSchema = PageSchema,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | null = null;
  do {
    call.signal?.throwIfAborted();
    const page: Page<T> = await session.request<Page<T>>(method, { ...params, cursor, ...(limit === undefined ? {} : { limit }) }, schema, call);
    for (const entry of page.data) yield entry;
    cursor = page.nextCursor ?? null;
  } while (cursor !== null);
}
