/**
 * The one path by which package bytes enter a build, for resolved and locked
 * builds alike: the store (by the `C:` checksum), else the source (a local
 * file read in place, or an HTTP URL fetched with a size cap), and every copy
 * checked against the checksum (`Q1` + base64 sha1 of the control member)
 * before anyone else sees it. A stored copy that fails the check is evicted
 * and fetched again; fresh remote bytes are stored only after they pass.
 */
import { readFile } from 'node:fs/promises';
import { readMember } from '../apk/gzip-members';
import { readSignaturePart } from '../apk/index-read';
import type { IndexEntry } from '../apk/types';
import { apkChecksumOf } from '../digest';
import { ApkoError, ChecksumError, FetchError, FormatError, OfflineError } from '../errors';
import { createHttpClient, type HttpClient, type LoadedRepository, type PackageSource } from '../repo';
import { apkKey, type Store } from '../store';

/** Packages fetched and verified at once, in every build (resolved or locked). */
export const FETCH_CONCURRENCY = 8;

/** Largest .apk accepted by default (2 GiB). */
export const DEFAULT_MAX_PACKAGE_SIZE = 2 ** 31;

/** How to fetch a package. */
export interface FetchPackageOptions {
  store?: Store;
  offline?: boolean;
  http?: HttpClient;
  /** Largest .apk accepted (default 2 GiB). */
  maxBytes?: number;
}

/** One package to fetch: what it is, where it is, and how to show it. */
export interface PackageRef {
  readonly name: string;
  readonly version: string;
  /** The `C:Q1…` checksum its bytes must have. */
  readonly checksum: string;
  /** Where the bytes are (may carry credentials: never print it). */
  readonly source: PackageSource;
  /** The URL or path as shown to users (credentials redacted). */
  readonly shown: string;
}

/** Control sections are a few KiB; this bounds a hostile one. */
const MAX_CONTROL_SIZE = 64 * 1024 * 1024;

/** The `C:` checksum of a package's bytes: sha1 of the control member, after any signature member. */
export function packageChecksumOf(bytes: Buffer, subject: string): string {
  const part = readSignaturePart(bytes, { subject, maxSize: MAX_CONTROL_SIZE });
  const control = part.firstContent ?? readMember(bytes, part.signedStart, { subject, maxMemberSize: MAX_CONTROL_SIZE });
  return apkChecksumOf(control.raw);
}

/** Throws a ChecksumError unless the package's control member matches `ref.checksum`. */
export function verifyPackageChecksum(bytes: Buffer, ref: Pick<PackageRef, 'name' | 'version' | 'checksum' | 'shown'>): void {
  const subject = `${ref.name}-${ref.version} (${ref.shown})`;
  let actual: string;
  try {
    actual = packageChecksumOf(bytes, subject);
  } catch (err) {
    // Bytes that are not a package at all (cut short, compressed again on the wire, another file) fail the check too, naming where they came from.
    if (!(err instanceof ApkoError) || err.hint !== undefined) throw err;
    throw new ChecksumError(`${subject}: the ${bytes.length} bytes are not an APK package (${err.message})`, {
      subject,
      algorithm: 'sha1',
      expected: ref.checksum,
      actual: 'unreadable',
      cause: err,
      hint: 'the repository served a different file than its index describes (or a proxy altered it); retry, or rebuild the repository index',
    });
  }
  if (actual !== ref.checksum) {
    throw new ChecksumError(`${subject}: the control section's checksum is ${actual}, but the index says ${ref.checksum}`, {
      subject,
      algorithm: 'sha1',
      expected: ref.checksum,
      actual,
      hint: 'the repository served a different file than its index describes; retry, or rebuild the repository index',
    });
  }
}

function isValid(bytes: Buffer, ref: PackageRef): boolean {
  try {
    verifyPackageChecksum(bytes, ref);
    return true;
  } catch {
    return false;
  }
}

/** The verified bytes of one package. */
export async function fetchVerified(ref: PackageRef, opts: FetchPackageOptions = {}): Promise<Buffer> {
  if (ref.source.kind === 'local') {
    let bytes: Buffer;
    try {
      bytes = await readFile(ref.source.path);
    } catch (err) {
      throw new FetchError(`${ref.shown} could not be read: ${(err as Error).message}`, {
        url: ref.shown,
        cause: err,
        hint: 'the local repository does not match its index; rebuild the index (apko-nx melange index)',
      });
    }
    verifyPackageChecksum(bytes, ref);
    return bytes;
  }
  const key = apkKey(ref.checksum);
  const cached = opts.store ? await opts.store.get(key) : undefined;
  if (cached !== undefined) {
    if (isValid(cached.data, ref)) return cached.data;
    await opts.store!.remove(key); // integrity held but the bytes are not this package: never serve them again
  }
  if (opts.offline === true) {
    throw new OfflineError(`the package ${ref.name}-${ref.version} (${ref.shown}) is not in the cache, and --offline forbids fetching it`, {
      url: ref.shown,
      hint: 'run the same build once without --offline (with the same --cache-dir), or run `apko-nx lock`, to fetch it into the cache',
    });
  }
  const res = await (opts.http ?? createHttpClient()).get(ref.source.url, { maxBytes: opts.maxBytes ?? DEFAULT_MAX_PACKAGE_SIZE });
  if (res.status !== 200) throw new FetchError(`${ref.shown}: unexpected HTTP ${res.status}`, { url: ref.shown, status: res.status });
  verifyPackageChecksum(res.body, ref);
  await opts.store?.put(key, res.body);
  return res.body;
}

/**
 * Reads fetched package bytes with `read`. The `C:` check before they were
 * stored covers the control section only, so bytes whose data a server cut
 * short or altered can be in the store: any refusal evicts them (the next
 * build fetches them again), and one that says nothing about what to do is
 * said again naming where the bytes came from.
 */
export async function readFetched<T>(shown: string, read: () => T, stored?: { store: Store; checksum: string }): Promise<T> {
  try {
    return read();
  } catch (err) {
    await stored?.store.remove(apkKey(stored.checksum));
    if (!(err instanceof FormatError) || err.hint !== undefined) throw err;
    throw new FormatError(err.message.includes(shown) ? err.message : `${shown}: ${err.message}`, {
      file: shown,
      cause: err,
      hint: 'the package is damaged: the repository (or a proxy) served other bytes than it was built with; retry, or rebuild the repository',
    });
  }
}

/** The verified bytes of `entry` from `repo`. */
export function fetchPackageBytes(repo: LoadedRepository, entry: IndexEntry, opts: FetchPackageOptions = {}): Promise<Buffer> {
  return fetchVerified({ name: entry.name, version: entry.version, checksum: entry.checksum, source: repo.packageSource(entry), shown: repo.packageUrl(entry) }, opts);
}
