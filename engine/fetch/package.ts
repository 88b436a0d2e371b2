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
import { limitHint } from '../apk/limit-hint';
import { PACKAGE_LIMIT_DEFAULTS, PACKAGE_LIMIT_FLAGS } from '../defaults';
import type { IndexEntry } from '../apk/types';
import { apkChecksumOf } from '../digest';
import { ApkoError, ChecksumError, FetchError, FormatError, LimitError, OfflineError } from '../errors';
import { createHttpClient, type HttpClient, type LoadedRepository, type PackageSource } from '../repo';
import { apkKey, type Store } from '../store';

/** Packages fetched and verified at once, in every build (resolved or locked). */
export const FETCH_CONCURRENCY = 8;

/** Largest .apk accepted over HTTP by default (`--max-http-response-size`, 2 GiB). */
export const DEFAULT_MAX_PACKAGE_SIZE = PACKAGE_LIMIT_DEFAULTS.maxHttpResponseSize;

/** How to fetch a package. */
export interface FetchPackageOptions {
  store?: Store;
  offline?: boolean;
  http?: HttpClient;
  /** Largest .apk accepted over HTTP (default 2 GiB). */
  maxBytes?: number;
  /** Largest inflated signature or control section (default 10 MiB). */
  maxControlSize?: number;
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

/** The `C:` checksum of a package's bytes: sha1 of the control member, after any signature member (each inflated under the control limit). */
export function packageChecksumOf(bytes: Buffer, subject: string, maxControlSize: number = PACKAGE_LIMIT_DEFAULTS.maxApkControlSize): string {
  const hint = limitHint('maxApkControlSize', 'its repository');
  const part = readSignaturePart(bytes, { subject, maxSize: maxControlSize, limitHint: hint });
  const control = part.firstContent ?? readMember(bytes, part.signedStart, { subject, maxMemberSize: maxControlSize, limitHint: hint });
  return apkChecksumOf(control.raw);
}

/** Throws a ChecksumError unless the package's control member matches `ref.checksum`. */
export function verifyPackageChecksum(bytes: Buffer, ref: Pick<PackageRef, 'name' | 'version' | 'checksum' | 'shown'>, maxControlSize?: number): void {
  const subject = `${ref.name}-${ref.version} (${ref.shown})`;
  let actual: string;
  try {
    actual = packageChecksumOf(bytes, subject, maxControlSize);
  } catch (err) {
    // Bytes that are not a package at all (cut short, compressed again on the wire, another file) fail the check too, naming where they came from.
    // What a format error says in general (a corrupt archive) matters less here than where the bytes came from.
    if (!(err instanceof FormatError) || err instanceof LimitError) throw err;
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

function isValid(bytes: Buffer, ref: PackageRef, maxControlSize?: number): boolean {
  try {
    verifyPackageChecksum(bytes, ref, maxControlSize);
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
    verifyPackageChecksum(bytes, ref, opts.maxControlSize);
    return bytes;
  }
  const key = apkKey(ref.checksum);
  const cached = opts.store ? await opts.store.get(key) : undefined;
  if (cached !== undefined) {
    if (isValid(cached.data, ref, opts.maxControlSize)) return cached.data;
    await opts.store!.remove(key); // integrity held but the bytes are not this package: never serve them again
  }
  if (opts.offline === true) {
    throw new OfflineError(`the package ${ref.name}-${ref.version} (${ref.shown}) is not in the cache, and --offline forbids fetching it`, {
      url: ref.shown,
      hint: 'run the same build once without --offline (with the same --cache-dir), or run `apko-nx lock`, to fetch it into the cache',
    });
  }
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_PACKAGE_SIZE;
  const res = await (opts.http ?? createHttpClient()).get(ref.source.url, { maxBytes }).catch((err: unknown) => {
    if (!(err instanceof LimitError)) throw err;
    throw new LimitError(`the package ${ref.name}-${ref.version} (${ref.shown}) is larger than ${maxBytes} bytes`, {
      subject: ref.shown,
      limit: maxBytes,
      hint: `raise the limit with ${PACKAGE_LIMIT_FLAGS.maxHttpResponseSize}=<bytes> only if you trust its repository`,
    });
  });
  if (res.status !== 200) throw new FetchError(`${ref.shown}: unexpected HTTP ${res.status}`, { url: ref.shown, status: res.status });
  verifyPackageChecksum(res.body, ref, opts.maxControlSize);
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
