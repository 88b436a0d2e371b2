import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, LimitError, SignatureError } from '../errors';
import { writeTar } from '../tar/write';
import { gzipMember, splitMembers } from './gzip-members';
import { readApkIndex } from './index-read';
import { formatIndexText } from './index-text';
import { writeApkIndex } from './index-write';
import { generateKeyPair, type KeyPair } from './keys';
import { signBytes, signatureName } from './signature';
import type { IndexEntry } from './types';

let alice: KeyPair;
let bob: KeyPair;
let carol: KeyPair;

beforeAll(() => {
  alice = generateKeyPair('alice', 2048);
  bob = generateKeyPair('bob', 2048);
  carol = generateKeyPair('carol', 2048);
});

function entry(name: string, version: string, extra: Partial<IndexEntry> = {}): IndexEntry {
  return {
    checksum: 'Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    name,
    version,
    arch: 'x86_64',
    size: 100,
    installedSize: 200,
    description: `the ${name} package`,
    url: 'https://example.org/',
    license: 'MIT',
    depends: [],
    provides: [],
    installIf: [],
    replaces: [],
    ...extra,
  };
}

const ENTRIES = [
  entry('busybox', '1.36.1-r2', { depends: ['so:libc.musl-x86_64.so.1'], provides: ['/bin/sh'], buildTime: 1 }),
  entry('musl', '1.2.4-r0', { provides: ['so:libc.musl-x86_64.so.1=1'], origin: 'musl', providerPriority: 5 }),
];

function keyring(...keys: KeyPair[]): Map<string, string> {
  return new Map(keys.map((k) => [k.publicKeyName, k.publicKeyPem]));
}

/** An index whose signature member carries one signature per key (as multi-key repositories publish). */
function multiSigned(keys: KeyPair[]): Buffer {
  const index = writeApkIndex(ENTRIES);
  const sigs = writeTar(
    keys.map((k) => ({ name: signatureName('RSA256', k.publicKeyName), type: 'file' as const, mode: 0o644, data: signBytes(index, k.privateKeyPem, 'RSA256') })),
    { end: false },
  );
  return Buffer.concat([gzipMember(sigs), index]);
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('readApkIndex', () => {
  it('round-trips entries and the description of an unsigned index when signatures are ignored', () => {
    const bytes = writeApkIndex(ENTRIES, { description: 'v3.17.3-1-gabc' });
    const index = readApkIndex(bytes, { ignoreSignatures: true });
    expect(index).toEqual({ entries: ENTRIES, description: 'v3.17.3-1-gabc' });
  });

  it('refuses an unsigned index unless signatures are ignored', () => {
    const err = thrown(() => readApkIndex(writeApkIndex(ENTRIES), { keyring: keyring(alice), subject: 'repo/x86_64/APKINDEX.tar.gz' }));
    expect(err).toBeInstanceOf(SignatureError);
    expect((err as SignatureError).code).toBe('ESIGNATURE');
    expect(err.message).toBe('repo/x86_64/APKINDEX.tar.gz is not signed');
    expect((err as SignatureError).tried).toEqual(['alice.rsa.pub']);
  });

  it.each(['RSA', 'RSA256'] as const)('verifies a %s signature and reports the key that verified it', (algorithm) => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: alice.publicKeyName }, algorithm });
    const index = readApkIndex(bytes, { keyring: keyring(bob, alice) });
    expect(index.signedBy).toBe('alice.rsa.pub');
    expect(index.entries).toEqual(ENTRIES);
  });

  it('verifies an index with several signatures with any one of its keys alone', () => {
    const bytes = multiSigned([alice, bob, carol]);
    for (const k of [alice, bob, carol]) expect(readApkIndex(bytes, { keyring: keyring(k) }).signedBy).toBe(k.publicKeyName);
  });

  it('names the signing key and the keys tried when the keyring lacks the signer', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' } });
    const err = thrown(() => readApkIndex(bytes, { keyring: keyring(bob, carol), subject: 'https://repo.example/x86_64/APKINDEX.tar.gz' })) as SignatureError;
    expect(err).toBeInstanceOf(SignatureError);
    expect(err.message).toBe(
      'https://repo.example/x86_64/APKINDEX.tar.gz: no trusted key verifies the signature: it is signed with alice.rsa.pub, which is not in the keyring (trusted: bob.rsa.pub, carol.rsa.pub)',
    );
    expect(err.subject).toBe('https://repo.example/x86_64/APKINDEX.tar.gz');
    expect(err.signedWith).toEqual(['alice.rsa.pub']);
    expect(err.tried).toEqual(['bob.rsa.pub', 'carol.rsa.pub']);
    expect(err.hint).toMatch(/keyring/);
  });

  it('refuses a signature made by a different key under a trusted name', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: bob.privateKeyPem, keyName: 'alice.rsa.pub' } });
    const err = thrown(() => readApkIndex(bytes, { keyring: keyring(alice) }));
    expect(err).toBeInstanceOf(SignatureError);
    expect(err.message).toBe('APKINDEX.tar.gz: no trusted key verifies the signature: the signature by alice.rsa.pub does not verify');
  });

  it('gives a SignatureError when one byte of the signed index stream changes', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' } });
    const [sig, idx] = splitMembers(bytes);
    for (const offset of [idx!.start + 4 /* gzip mtime: inflates fine */, idx!.start + 40, bytes.length - 1 /* ISIZE */]) {
      const tampered = Buffer.from(bytes);
      tampered[offset] ^= 0x01;
      const err = thrown(() => readApkIndex(tampered, { keyring: keyring(alice) }));
      expect(err, `offset ${offset}`).toBeInstanceOf(SignatureError);
      expect(err.message).toMatch(/the signature by alice\.rsa\.pub does not verify/);
    }
    expect(sig!.end).toBe(idx!.start);
  });

  it('gives a FormatError when one compressed byte of the signature stream changes', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' } });
    const [sig] = splitMembers(bytes);
    const tampered = Buffer.from(bytes);
    tampered[sig!.start + Math.floor((sig!.end - sig!.start) / 2)] ^= 0x01;
    const err = thrown(() => readApkIndex(tampered, { keyring: keyring(alice), subject: 'idx' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toMatch(/^idx: /);
  });

  it('gives a SignatureError when one byte of the signature itself changes', () => {
    const index = writeApkIndex(ENTRIES);
    const signature = signBytes(index, alice.privateKeyPem, 'RSA256');
    signature[10] ^= 0x01;
    const sigMember = gzipMember(writeTar([{ name: signatureName('RSA256', 'alice.rsa.pub'), type: 'file', mode: 0o644, data: signature }], { end: false }));
    const err = thrown(() => readApkIndex(Buffer.concat([sigMember, index]), { keyring: keyring(alice) }));
    expect(err).toBeInstanceOf(SignatureError);
  });

  it('does not verify anything when signatures are ignored', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' } });
    const index = readApkIndex(bytes, { keyring: new Map(), ignoreSignatures: true });
    expect(index.signedBy).toBeUndefined();
    expect(index.entries).toHaveLength(2);
  });

  it('stops at the size limit with a LimitError', () => {
    const big = Array.from({ length: 200 }, (_, i) => entry(`pkg-${i}`, '1.0-r0'));
    const err = thrown(() => readApkIndex(writeApkIndex(big), { ignoreSignatures: true, maxSize: 4096, subject: 'big' }));
    expect(err).toBeInstanceOf(LimitError);
    expect((err as LimitError).limit).toBe(4096);
    expect((err as LimitError).hint).toContain('--max-apkindex-decompressed-size');
  });

  it('refuses an index listing one package twice with different checksums, and accepts the same entry twice', () => {
    // The writer refuses to list a package twice, so the index text is written by hand.
    const rawIndex = (entries: IndexEntry[]) => gzipMember(writeTar([{ name: 'APKINDEX', type: 'file', mode: 0o644, data: Buffer.from(formatIndexText(entries)) }]));
    const twice = [entry('a', '1.0-r0'), entry('a', '1.0-r0', { checksum: 'Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBBB=' })];
    const err = thrown(() => readApkIndex(rawIndex(twice), { ignoreSignatures: true, subject: 'r/APKINDEX.tar.gz' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('r/APKINDEX.tar.gz lists a-1.0-r0 twice, with the checksums Q1AAAAAAAAAAAAAAAAAAAAAAAAAAAAA= and Q1BBBBBBBBBBBBBBBBBBBBBBBBBBBBB=');
    expect((err as FormatError).hint).toMatch(/\S/);
    expect(readApkIndex(rawIndex([entry('a', '1.0-r0'), entry('a', '1.0-r0')]), { ignoreSignatures: true }).entries).toHaveLength(2);
  });

  it('says what to do about an index cut short', () => {
    const bytes = writeApkIndex(ENTRIES);
    const err = thrown(() => readApkIndex(bytes.subarray(0, bytes.length - 30), { ignoreSignatures: true, subject: 'cut' }));
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).hint).toMatch(/\S/);
  });

  it('refuses a gzip without an APKINDEX entry and bytes that are not gzip', () => {
    const noIndex = gzipMember(writeTar([{ name: 'README', type: 'file', mode: 0o644, data: Buffer.from('hi') }]));
    const err = thrown(() => readApkIndex(noIndex, { ignoreSignatures: true, subject: 'x/APKINDEX.tar.gz' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('x/APKINDEX.tar.gz has no APKINDEX entry, so it is not a repository index');
    expect(() => readApkIndex(Buffer.from('<html>not found</html>'), { ignoreSignatures: true })).toThrow(FormatError);
  });
});
