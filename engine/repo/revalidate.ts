/**
 * Fetches a mutable remote file (an index, a key) through the store: the
 * cached copy is revalidated with its ETag (`304` keeps it, `200` replaces
 * it), and `--offline` uses it without asking. Fresh bytes are stored only
 * after the caller accepted them, so a bad download never poisons the cache.
 */
import { ApkoError, FormatError, LimitError, OfflineError } from '../errors';
import type { Store } from '../store/store';
import type { HttpClient } from './http';
import { redactUrl } from '../redact';

/** What to fetch and how to judge it. */
export interface RevalidateRequest<T> {
  /** The URL (may carry credentials). */
  readonly url: string;
  /** The store key (from engine/store/keys.ts). */
  readonly key: string;
  readonly http: HttpClient;
  readonly store?: Store;
  readonly offline?: boolean;
  readonly maxBytes?: number;
  /** Parses/verifies the bytes; throwing (or rejecting) refuses them (and they are not stored). */
  readonly accept: (bytes: Buffer) => T | Promise<T>;
}

/** The accepted value and where its bytes came from. */
export interface Revalidated<T> {
  readonly value: T;
  readonly source: 'network' | 'cache';
}

/** The OfflineError for a remote file that is not in the cache. */
export function offlineMiss(url: string, what: string): OfflineError {
  const shown = redactUrl(url);
  return new OfflineError(`${what} ${shown} is not in the cache, and --offline forbids fetching it`, {
    url: shown,
    hint: 'run once without --offline (or run `apko-nx lock`) to fetch it into the cache',
  });
}

/**
 * Fresh bytes the caller refuses for their format (cut short, compressed
 * again on the wire, another file under the name) came from the server as
 * they are: the refusal says so, naming the URL, unless it says what to do already.
 */
async function acceptServed<T>(req: RevalidateRequest<T>, bytes: Buffer, what: string): Promise<T> {
  try {
    return await req.accept(bytes);
  } catch (err) {
    // A format error's general hint (a corrupt archive) says less than where the bytes came from; a limit keeps its own.
    if (!(err instanceof FormatError) && !(err instanceof LimitError && err.hint === undefined)) throw err;
    const shown = redactUrl(req.url);
    throw new FormatError(err.message.includes(shown) ? err.message : `${what} ${shown}: ${err.message}`, {
      file: shown,
      cause: err,
      hint: `the server sent ${bytes.length} bytes that are not a valid ${what.replace(/^the /, '')}; a proxy or the server may have altered them (compressed again, cut short): fetch the URL by hand to check, or use another mirror`,
    });
  }
}

/** Fetches, revalidates or (offline) reads from the cache. */
export async function revalidate<T>(req: RevalidateRequest<T>, what: string): Promise<Revalidated<T>> {
  const cached = req.store ? await req.store.get(req.key) : undefined;
  if (req.offline === true) {
    if (cached === undefined) throw offlineMiss(req.url, what);
    return { value: await req.accept(cached.data), source: 'cache' };
  }
  const etag = cached?.metadata.etag;
  const res = await req.http.get(req.url, {
    ...(etag !== undefined ? { etag } : {}),
    ...(req.maxBytes !== undefined ? { maxBytes: req.maxBytes } : {}),
  });
  if (res.status === 304) return { value: await req.accept(cached!.data), source: 'cache' };
  const value = await acceptServed(req, res.body, what);
  await req.store?.put(req.key, res.body, res.etag !== undefined ? { etag: res.etag } : {});
  return { value, source: 'network' };
}
