/**
 * Fetches a package's .apk bytes and checks them against the index's `C:`
 * checksum (`Q1` + base64 sha1 of the control gzip member) before anyone else
 * sees them. Remote packages are cached by that checksum; a cached copy that
 * fails its integrity or checksum check is dropped and fetched again. Local
 * repositories are read in place.
 */
import { readFile } from 'node:fs/promises';
import { readMember } from '../apk/gzip-members';
import { readSignaturePart } from '../apk/index-read';
import type { IndexEntry } from '../apk/types';
import { apkChecksumOf } from '../digest';
import { ChecksumError, FetchError } from '../errors';
import { apkKey } from '../store/keys';
import type { Store } from '../store/store';
import { createHttpClient, type HttpClient } from './http';
import type { LoadedRepository } from './load';
import { offlineMiss } from './revalidate';

/** How to fetch a package. */
export interface FetchPackageOptions {
  store?: Store;
  offline?: boolean;
  http?: HttpClient;
  /** Largest .apk accepted (default 2 GiB). */
  maxBytes?: number;
}

/** Control sections are a few KiB; this bounds a hostile one. */
const MAX_CONTROL_SIZE = 64 * 1024 * 1024;

/** The `C:` checksum of a package's bytes: sha1 of the control member, after any signature member. */
export function packageChecksumOf(bytes: Buffer, subject: string): string {
  const part = readSignaturePart(bytes, { subject, maxSize: MAX_CONTROL_SIZE });
  const control = part.firstContent ?? readMember(bytes, part.signedStart, { subject, maxMemberSize: MAX_CONTROL_SIZE });
  return apkChecksumOf(control.raw);
}

/** Throws a ChecksumError unless the package's control member matches `entry.checksum`. */
export function verifyPackageChecksum(bytes: Buffer, entry: IndexEntry, shownUrl: string): void {
  const subject = `${entry.name}-${entry.version} (${shownUrl})`;
  const actual = packageChecksumOf(bytes, subject);
  if (actual !== entry.checksum) {
    throw new ChecksumError(`${subject}: the control section's checksum is ${actual}, but the index says ${entry.checksum}`, {
      subject,
      algorithm: 'sha1',
      expected: entry.checksum,
      actual,
      hint: 'the repository served a different file than its index describes; retry, or rebuild the repository index',
    });
  }
}

function isValid(bytes: Buffer, entry: IndexEntry, shownUrl: string): boolean {
  try {
    verifyPackageChecksum(bytes, entry, shownUrl);
    return true;
  } catch {
    return false;
  }
}

/** The verified bytes of `entry` from `repo`. */
export async function fetchPackageBytes(repo: LoadedRepository, entry: IndexEntry, opts: FetchPackageOptions = {}): Promise<Buffer> {
  const shown = repo.packageUrl(entry);
  const source = repo.packageSource(entry);
  if (source.kind === 'local') {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.path);
    } catch (err) {
      throw new FetchError(`${shown} could not be read: ${(err as Error).message}`, {
        url: shown,
        cause: err,
        hint: 'the local repository does not match its index; rebuild the index (apko-nx melange index)',
      });
    }
    verifyPackageChecksum(bytes, entry, shown);
    return bytes;
  }
  const key = apkKey(entry.checksum);
  const cached = opts.store ? await opts.store.get(key) : undefined;
  if (cached !== undefined) {
    if (isValid(cached.data, entry, shown)) return cached.data;
    await opts.store!.remove(key); // integrity held but the bytes are not this package: never serve them again
  }
  if (opts.offline === true) throw offlineMiss(source.url, 'the package');
  const res = await (opts.http ?? createHttpClient()).get(source.url, { maxBytes: opts.maxBytes ?? 2 ** 31 });
  if (res.status !== 200) throw new FetchError(`${shown}: unexpected HTTP ${res.status}`, { url: shown, status: res.status });
  verifyPackageChecksum(res.body, entry, shown);
  await opts.store?.put(key, res.body);
  return res.body;
}
