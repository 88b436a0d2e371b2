/**
 * Loads one repository for one architecture: reads or fetches its
 * APKINDEX.tar.gz, verifies it against the keyring and parses it. Remote
 * indexes go through the store (ETag revalidation, --offline); local ones are
 * read in place. A local repository without an index for the architecture is
 * skipped with a warning (apko does the same); a remote one is a FetchError.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_MAX_INDEX_SIZE, type ApkIndex } from '../apk/index-read';
import { findKey, type Keyring } from '../apk/signature';
import type { IndexEntry } from '../apk/types';
import { PACKAGE_LIMIT_FLAGS } from '../defaults';
import { FetchError, LimitError, SignatureError } from '../errors';
import { indexKey } from '../store/keys';
import type { Store } from '../store/store';
import { createHttpClient, type HttpClient } from './http';
import { readIndexThroughStore } from './parsed-index';
import { redactUrl } from '../redact';
import { locateRepository, packageFileName, parseRepository, repositoryFileUrl, type RepositoryLocation } from './repository';
import { revalidate } from './revalidate';

/** Everything loading a repository needs. */
export interface LoadRepositoryOptions {
  /** As configured: a directory, `file://`, `http(s)://`, or `@tag <url>`. */
  repository: string;
  /** APK architecture name (`x86_64`, `aarch64`, …). */
  arch: string;
  keyring: Keyring;
  ignoreSignatures?: boolean;
  /** Cache for remote indexes and for the parsed entries of every index; without it every load fetches and parses. */
  store?: Store;
  offline?: boolean;
  http?: HttpClient;
  /** Resolves relative directories (default: process.cwd()). */
  cwd?: string;
  /** Largest inflated index accepted (default 300 MiB, `--max-apkindex-decompressed-size`). */
  maxIndexSize?: number;
  /** Largest HTTP response accepted (`--max-http-response-size`); the compressed index is also no larger than the inflated limit. */
  maxHttpResponseSize?: number;
  /**
   * Asked for more keys when the index is signed only by keys the keyring
   * lacks (given their names); the keys it returns are tried as the
   * keyring's are (key discovery, engine/repo/discover-keys.ts).
   */
  discoverKeys?: (signedWith: readonly string[]) => Promise<Keyring>;
}

/** Where one package's bytes are. Carries credentials for remote ones: never print it. */
export type PackageSource = { readonly kind: 'local'; readonly path: string } | { readonly kind: 'http'; readonly url: string };

/** A verified, parsed repository index for one architecture. */
export interface LoadedRepository {
  /** `<url>/<arch>`, redacted: identifies the repository in locks and messages. */
  readonly name: string;
  readonly tag?: string;
  /** The repository as configured, redacted. */
  readonly url: string;
  /** `<url>/<arch>/APKINDEX.tar.gz`, redacted. */
  readonly indexUrl: string;
  readonly arch: string;
  readonly entries: IndexEntry[];
  /** The index's DESCRIPTION. */
  readonly description: string;
  /** The key that verified the index (absent when signatures were ignored or the index was skipped). */
  readonly signedBy?: string;
  /** Non-fatal problems, such as a skipped local index. */
  readonly warnings: string[];
  /** `<url>/<arch>/<name>-<version>.apk`, redacted. */
  packageUrl(entry: IndexEntry): string;
  /** Where to read a package from (with credentials, for fetching only). */
  packageSource(entry: IndexEntry): PackageSource;
}

function isMissing(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Reads a local index; undefined when it does not exist. */
async function readLocalIndex(path: string, shown: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw new FetchError(`${shown} could not be read: ${(err as Error).message}`, { url: shown, cause: err });
  }
}

/** Loads, verifies and parses the index of one repository for one architecture. */
export async function loadRepository(opts: LoadRepositoryOptions): Promise<LoadedRepository> {
  const ref = parseRepository(opts.repository);
  const location: RepositoryLocation = locateRepository(ref.url, opts.cwd);
  const shownUrl = redactUrl(ref.url);
  const indexUrl = repositoryFileUrl(shownUrl, opts.arch, 'APKINDEX.tar.gz');
  const readWith = (bytes: Buffer, keyring: Keyring): Promise<ApkIndex> =>
    readIndexThroughStore(
      bytes,
      {
        keyring,
        ...(opts.ignoreSignatures !== undefined ? { ignoreSignatures: opts.ignoreSignatures } : {}),
        ...(opts.maxIndexSize !== undefined ? { maxSize: opts.maxIndexSize } : {}),
        subject: indexUrl,
      },
      opts.store,
    );
  const read = async (bytes: Buffer): Promise<ApkIndex> => {
    try {
      return await readWith(bytes, opts.keyring);
    } catch (err) {
      // Only a key the keyring lacks is looked for; a signature that a trusted key does not verify stays refused.
      if (!(err instanceof SignatureError) || opts.discoverKeys === undefined) throw err;
      const missing = err.signedWith.filter((name) => findKey(opts.keyring, name) === undefined);
      if (missing.length === 0) throw err;
      const found = await opts.discoverKeys(missing);
      if (found.size === 0) throw err;
      return readWith(bytes, new Map([...opts.keyring, ...found]));
    }
  };

  const warnings: string[] = [];
  // Opting out is the user's call, but never a silent one.
  if (opts.ignoreSignatures === true) warnings.push(`signatures of ${indexUrl} are not verified (--ignore-signatures); its packages are trusted by its checksums alone`);
  let index: ApkIndex | undefined;
  if (location.kind === 'local') {
    const bytes = await readLocalIndex(join(location.dir, opts.arch, 'APKINDEX.tar.gz'), indexUrl);
    if (bytes === undefined) warnings.push(`${indexUrl} does not exist; skipping repository ${shownUrl} for ${opts.arch}`);
    else index = await read(bytes);
  } else {
    const url = repositoryFileUrl(location.baseUrl, opts.arch, 'APKINDEX.tar.gz');
    const client = opts.http ?? createHttpClient();
    // The compressed bytes can be no larger than what they inflate to.
    const inflated = opts.maxIndexSize ?? DEFAULT_MAX_INDEX_SIZE;
    const maxBytes = Math.min(inflated, opts.maxHttpResponseSize ?? inflated);
    const flag = maxBytes === inflated ? PACKAGE_LIMIT_FLAGS.maxApkIndexDecompressedSize : PACKAGE_LIMIT_FLAGS.maxHttpResponseSize;
    // A response cut off by the limit is restated with the index and the flag that raises it.
    const http: HttpClient = {
      get: (u, o) =>
        client.get(u, o).catch((err: unknown) => {
          if (!(err instanceof LimitError)) throw err;
          throw new LimitError(`the repository index ${indexUrl} is larger than ${maxBytes} bytes`, {
            subject: indexUrl,
            limit: maxBytes,
            hint: `raise the limit with ${flag}=<bytes> only if you trust this repository`,
          });
        }),
    };
    index = (
      await revalidate(
        { url, key: indexKey(url), http, accept: read, maxBytes, ...(opts.store ? { store: opts.store } : {}), ...(opts.offline ? { offline: true } : {}) },
        'the repository index',
      )
    ).value;
  }

  const packageSource = (entry: IndexEntry): PackageSource =>
    location.kind === 'local'
      ? { kind: 'local', path: join(location.dir, opts.arch, packageFileName(entry)) }
      : { kind: 'http', url: repositoryFileUrl(location.baseUrl, opts.arch, packageFileName(entry)) };
  return {
    name: `${shownUrl}/${opts.arch}`,
    ...(ref.tag !== undefined ? { tag: ref.tag } : {}),
    url: shownUrl,
    indexUrl,
    arch: opts.arch,
    entries: index?.entries ?? [],
    description: index?.description ?? '',
    ...(index?.signedBy !== undefined ? { signedBy: index.signedBy } : {}),
    warnings,
    packageUrl: (entry) => repositoryFileUrl(shownUrl, opts.arch, packageFileName(entry)),
    packageSource,
  };
}
