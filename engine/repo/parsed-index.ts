/**
 * Reads a repository index through the store's parsed copy: the signatures
 * of the bytes are checked first, every time (against this run's keyring,
 * so a keyring that does not vouch for the index refuses it however warm
 * the cache); then the entries parsed from exactly those bytes (the key is
 * their sha256) are taken from the store instead of inflating and parsing
 * the text again. A missing, damaged or foreign entry is a miss: the index
 * is parsed and the entry written again. Errors are never stored: an index
 * that fails to parse fails on every load.
 */
import { createHash } from 'node:crypto';
import { decodeCompactIndex, encodeCompactIndex } from '../apk/index-compact';
import { indexTooLarge, parseVerifiedIndex, verifyApkIndex, DEFAULT_MAX_INDEX_SIZE, type ApkIndex, type ParsedApkIndex, type ReadApkIndexOptions, type VerifiedIndexBytes } from '../apk/index-read';
import { parsedIndexKey } from '../store/keys';
import type { Store } from '../store/store';

/** Parses verified index bytes; a seam so tests can count how often the text is really parsed. */
export type IndexParser = (verified: VerifiedIndexBytes, opts: Pick<ReadApkIndexOptions, 'subject' | 'maxSize'>) => ParsedApkIndex;

/** Verifies `bytes` (unless signatures are ignored) and returns their entries, from the store's parsed copy when it has one. */
export async function readIndexThroughStore(bytes: Buffer, opts: ReadApkIndexOptions, store?: Store, parse: IndexParser = parseVerifiedIndex): Promise<ApkIndex> {
  const verified = verifyApkIndex(bytes, opts);
  if (store === undefined) return parse(verified, opts).index;
  const digest = createHash('sha256').update(bytes).digest('hex');
  const key = parsedIndexKey(digest);
  const maxSize = opts.maxSize ?? DEFAULT_MAX_INDEX_SIZE;
  const stored = await store.get(key);
  const hit = stored === undefined ? undefined : decodeCompactIndex(stored.data, digest);
  if (hit !== undefined) {
    // The limit is this run's: a copy parsed under a higher one is refused as the parse would refuse it.
    if (hit.inflated > maxSize) throw indexTooLarge(opts.subject ?? 'APKINDEX.tar.gz', maxSize);
    return verified.signedBy === undefined ? hit.index : { ...hit.index, signedBy: verified.signedBy };
  }
  const parsed = parse(verified, opts);
  await store.put(key, encodeCompactIndex(parsed.index, { digest, inflated: parsed.inflated }));
  return parsed.index;
}
