/**
 * A local package repository directory (`packages/<arch>/`): the packages and
 * their `APKINDEX.tar.gz`. Updating it keeps every entry already indexed,
 * replaces the entry of a package rebuilt with the same name and version (as
 * `melange index --merge` does) and adds new ones; the index is written in
 * the index writer's fixed order, signed when a key is given, and replaced
 * atomically. Also `melange index` and `melange sign-index`.
 */
import { promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import { readApkIndex } from '../apk/index-read';
import { signApkIndex, writeApkIndex, type IndexSigningKey } from '../apk/index-write';
import { readApkBytes, toIndexEntry } from '../apk/package-read';
import type { IndexEntry } from '../apk/types';
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { readSigningKey } from './signing-key';

/** The index file name apk-tools looks for. */
export const INDEX_NAME = 'APKINDEX.tar.gz';

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(`cannot read ${path}: ${(err as Error).message}`, { file: path, cause: err });
  }
}

/**
 * `existing` with each entry of `updates` put in: an entry with the same
 * name and version is replaced, others are added. Signatures of the existing
 * index are not checked: it is our own output, about to be re-signed.
 */
function merge(existing: readonly IndexEntry[], updates: readonly IndexEntry[]): IndexEntry[] {
  const key = (e: IndexEntry) => `${e.name}\0${e.version}`;
  const replaced = new Set(updates.map(key));
  return [...existing.filter((e) => !replaced.has(key(e))), ...updates];
}

/** Writes `index` from `entries`, merged into the index at `opts.source` (default `index`) when `opts.merge`; a missing source is an empty one. */
async function writeIndex(index: string, entries: readonly IndexEntry[], opts: { signingKey?: IndexSigningKey; merge: boolean; source?: string }): Promise<void> {
  const { signingKey } = opts;
  const source = opts.source ?? index;
  const old = opts.merge ? await readIfExists(source) : undefined;
  const current = old === undefined ? undefined : readApkIndex(old, { ignoreSignatures: true, subject: source });
  const bytes = writeApkIndex(merge(current?.entries ?? [], entries), {
    description: current?.description ?? '',
    ...(signingKey ? { signingKey } : {}),
  });
  await writeFileAtomic(index, bytes);
}

/** Index entries for package files, read and verified from disk. */
async function entriesOf(apks: readonly string[]): Promise<IndexEntry[]> {
  const out: IndexEntry[] = [];
  for (const apk of apks) out.push(toIndexEntry(readApkBytes(await fsp.readFile(apk), { subject: apk })));
  return out;
}

/** One package ready to go into a repository directory. */
export interface BuiltPackageFile {
  /** File name, e.g. `hello-1.0-r0.apk`. */
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** Writes packages into `dir` (each atomically) and then updates `dir/APKINDEX.tar.gz`. */
export async function addToRepository(dir: string, packages: readonly BuiltPackageFile[], signingKey?: IndexSigningKey): Promise<string> {
  await fsp.mkdir(dir, { recursive: true });
  const entries: IndexEntry[] = [];
  for (const p of packages) {
    entries.push(toIndexEntry(readApkBytes(p.bytes, { subject: p.fileName })));
    await writeFileAtomic(join(dir, basename(p.fileName)), p.bytes);
  }
  const index = join(dir, INDEX_NAME);
  await writeIndex(index, entries, { ...(signingKey ? { signingKey } : {}), merge: true });
  return index;
}

function keyOf(key: IndexSigningKey | string, cwd: string | undefined): IndexSigningKey {
  return typeof key === 'string' ? readSigningKey(key, { cwd: cwd ?? process.cwd() }) : key;
}

/** Options of `melangeIndex`. */
export interface MelangeIndexOptions {
  /** The index file to write. */
  readonly output: string;
  /** Package files to index. */
  readonly apks: readonly string[];
  /** A private key, or the path of one (read by the one signing-key reader, against `cwd`). */
  readonly signingKey?: IndexSigningKey | string;
  readonly cwd?: string;
  /** Keep the entries of an existing index (melange index --merge): `source`, else `output`. */
  readonly merge?: boolean;
  /** The index whose entries `merge` keeps (melange index --source). */
  readonly source?: string;
  /** Index only packages of this apk architecture; others are skipped and reported (melange index --arch). */
  readonly arch?: string;
}

/** What `melangeIndex` wrote, and the packages `arch` left out (`name-version: arch`). */
export interface MelangeIndexResult {
  readonly output: string;
  readonly count: number;
  readonly skipped: readonly string[];
}

/** `melange index`: an APKINDEX.tar.gz for the given packages. */
export async function melangeIndex(o: MelangeIndexOptions): Promise<MelangeIndexResult> {
  // The key is read first: a missing key fails before any package is read.
  const signingKey = o.signingKey ? keyOf(o.signingKey, o.cwd) : undefined;
  const all = await entriesOf(o.apks);
  const entries = o.arch === undefined ? all : all.filter((e) => e.arch === o.arch);
  const skipped = all.filter((e) => !entries.includes(e)).map((e) => `${e.name}-${e.version}: ${e.arch}`);
  await writeIndex(o.output, entries, { ...(signingKey ? { signingKey } : {}), merge: o.merge === true, ...(o.source !== undefined ? { source: o.source } : {}) });
  return { output: o.output, count: entries.length, skipped };
}

/** Options of `melangeSignIndex`. */
export interface MelangeSignIndexOptions {
  readonly index: string;
  /** A private key, or the path of one (read against `cwd`). */
  readonly signingKey: IndexSigningKey | string;
  readonly cwd?: string;
  /** Replace existing signatures; without it an already signed index is left alone. */
  readonly force?: boolean;
}

/** `melange sign-index`: signs an index in place; `signed` is false when it already was and `force` was not given. */
export async function melangeSignIndex(o: MelangeSignIndexOptions): Promise<{ signed: boolean }> {
  const bytes = await readIfExists(o.index);
  if (bytes === undefined) {
    throw new OutputError(`cannot sign ${o.index}: the file does not exist`, { file: o.index, hint: 'build or index packages first (apko-nx melange index)' });
  }
  const out = signApkIndex(bytes, keyOf(o.signingKey, o.cwd), { force: o.force === true, subject: o.index });
  if (out === bytes) return { signed: false };
  await writeFileAtomic(o.index, out);
  return { signed: true };
}
