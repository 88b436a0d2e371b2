import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { parseVerifiedIndex, readApkIndex } from '../apk/index-read';
import { writeApkIndex } from '../apk/index-write';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import type { IndexEntry } from '../apk/types';
import { LimitError, SignatureError } from '../errors';
import { parsedIndexKey } from '../store/keys';
import { openStore, type Store } from '../store/store';
import { readIndexThroughStore, type IndexParser } from './parsed-index';

let tmp: string;
let key: KeyPair;
let other: KeyPair;
let bytes: Buffer;

/** Entries with every optional field set, some unset, and repeated list fields. */
const ENTRIES: IndexEntry[] = [
  {
    checksum: 'Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    name: 'full',
    version: '1.2.3-r4',
    arch: 'x86_64',
    size: 1234,
    installedSize: 5678,
    description: 'every field: ünïcödé too',
    url: 'https://example.org/full',
    license: 'MIT AND Apache-2.0',
    origin: 'full-src',
    maintainer: 'A Person <a@example.org>',
    buildTime: 1700000000,
    commit: 'abcdef0123456789',
    depends: ['so:libc.musl-x86_64.so.1', '!conflict', 'dep>=1.0'],
    provides: ['cmd:full=1.2.3-r4', 'virtual'],
    installIf: ['full-base', 'openrc'],
    providerPriority: 10,
    replaces: ['old-full'],
    replacesPriority: 5,
  },
  {
    checksum: 'Q1BBBBBBBBBBBBBBBBBBBBBBBBBBB=',
    name: 'bare',
    version: '0.1-r0',
    arch: 'noarch',
    size: 1,
    installedSize: 0,
    description: '',
    url: '',
    license: '',
    depends: [],
    provides: [],
    installIf: [],
    replaces: [],
  },
];

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'apko-parsed-index-'));
  key = generateKeyPair('index-key', 2048);
  other = generateKeyPair('other-key', 2048);
  bytes = writeApkIndex(ENTRIES, { description: 'parsed index test', signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName } });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const keyring = (k: KeyPair) => new Map([[k.publicKeyName, k.publicKeyPem]]);
const freshStore = (): Store => openStore(mkdtempSync(join(tmp, 'store-')));
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The real parser, counting its calls. */
function countingParser(): { parse: IndexParser; readonly count: number } {
  let count = 0;
  return {
    parse: (verified, opts) => {
      count++;
      return parseVerifiedIndex(verified, opts);
    },
    get count() {
      return count;
    },
  };
}

/** Every content file of a cacache directory. */
function contentFiles(dir: string): string[] {
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
  return walk(join(dir, 'content-v2'));
}

describe('readIndexThroughStore', () => {
  it('parses an index once: a second read takes the stored entries, identical to the parse', async () => {
    const store = freshStore();
    const counter = countingParser();
    const opts = { keyring: keyring(key), subject: 'test/APKINDEX.tar.gz' };
    const cold = await readIndexThroughStore(bytes, opts, store, counter.parse);
    expect(counter.count).toBe(1);
    const warm = await readIndexThroughStore(bytes, opts, store, counter.parse);
    expect(counter.count).toBe(1);
    expect(warm).toStrictEqual(cold);
    expect(cold).toStrictEqual(readApkIndex(bytes, opts));
    expect(warm.signedBy).toBe(key.publicKeyName);
    // Absent optional fields stay absent (not undefined-valued keys).
    expect(Object.keys(warm.entries.find((e) => e.name === 'bare')!)).toEqual(Object.keys(cold.entries.find((e) => e.name === 'bare')!));
  });

  it('checks the signatures on every read: a keyring without the signing key refuses the index however warm the store', async () => {
    const store = freshStore();
    const counter = countingParser();
    await readIndexThroughStore(bytes, { keyring: keyring(key) }, store, counter.parse);
    await expect(readIndexThroughStore(bytes, { keyring: keyring(other) }, store, counter.parse)).rejects.toBeInstanceOf(SignatureError);
    await expect(readIndexThroughStore(bytes, { keyring: new Map() }, store, counter.parse)).rejects.toBeInstanceOf(SignatureError);
    // Signatures ignored on purpose: the same entries, vouched for by no key.
    const unverified = await readIndexThroughStore(bytes, { ignoreSignatures: true }, store, counter.parse);
    expect(unverified.signedBy).toBeUndefined();
    expect(unverified).toStrictEqual(readApkIndex(bytes, { ignoreSignatures: true }));
    expect(unverified.entries.map((e) => e.name)).toEqual(['bare', 'full']);
    expect(counter.count).toBe(1);
  });

  it('never stores an index that fails verification', async () => {
    const store = freshStore();
    await expect(readIndexThroughStore(bytes, { keyring: keyring(other) }, store)).rejects.toBeInstanceOf(SignatureError);
    expect(await store.get(parsedIndexKey(sha256(bytes)))).toBeUndefined();
  });

  it('ignores a stored document that is not the parse of these bytes, parses again and replaces it', async () => {
    const store = freshStore();
    const counter = countingParser();
    const opts = { keyring: keyring(key) };
    const expected = readApkIndex(bytes, opts);
    const otherIndex = writeApkIndex([ENTRIES[1]!], { signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName } });
    await readIndexThroughStore(otherIndex, opts, store);
    const foreign = (await store.get(parsedIndexKey(sha256(otherIndex))))!.data;
    const damaged = [Buffer.from('not json'), Buffer.from('{"v":1}'), foreign, Buffer.from(foreign.toString().replace('"bare"', '7'))];
    for (const doc of damaged) {
      await store.put(parsedIndexKey(sha256(bytes)), doc);
      const before = counter.count;
      expect(await readIndexThroughStore(bytes, opts, store, counter.parse)).toStrictEqual(expected);
      expect(counter.count).toBe(before + 1);
      expect(await readIndexThroughStore(bytes, opts, store, counter.parse)).toStrictEqual(expected);
      expect(counter.count).toBe(before + 1);
    }
  });

  it('treats a stored copy whose bytes were damaged on disk as a miss and writes it again', async () => {
    const dir = mkdtempSync(join(tmp, 'store-'));
    const store = openStore(dir);
    const counter = countingParser();
    const opts = { keyring: keyring(key) };
    const cold = await readIndexThroughStore(bytes, opts, store, counter.parse);
    for (const file of contentFiles(dir)) writeFileSync(file, readFileSync(file).toString().replace('full', 'fake'));
    expect(await readIndexThroughStore(bytes, opts, store, counter.parse)).toStrictEqual(cold);
    expect(counter.count).toBe(2);
    expect(await readIndexThroughStore(bytes, opts, store, counter.parse)).toStrictEqual(cold);
    expect(counter.count).toBe(2);
  });

  it("applies this run's size limit to a stored copy", async () => {
    const store = freshStore();
    await readIndexThroughStore(bytes, { keyring: keyring(key) }, store);
    await expect(readIndexThroughStore(bytes, { keyring: keyring(key), maxSize: 100 }, store)).rejects.toBeInstanceOf(LimitError);
  });

  const alpine = fixture('alpine-v3.17-aarch64', 'APKINDEX.tar.gz');
  const alpineKey = fixture('keys', 'alpine', 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub');
  it.skipIf(alpine === undefined || alpineKey === undefined)('gives the same 5004 entries cold and warm for the real Alpine 3.17 index', async () => {
    const real = readFileSync(alpine!);
    const opts = { keyring: new Map([['alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub', readFileSync(alpineKey!, 'utf8')]]) };
    const store = freshStore();
    const counter = countingParser();
    const cold = await readIndexThroughStore(real, opts, store, counter.parse);
    const warm = await readIndexThroughStore(real, opts, store, counter.parse);
    expect(counter.count).toBe(1);
    expect(warm.entries).toHaveLength(5004);
    expect(warm).toStrictEqual(cold);
  });
});
