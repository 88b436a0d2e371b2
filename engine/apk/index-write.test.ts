import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../errors';
import { readTar } from '../tar/read';
import { splitMembers } from './gzip-members';
import { readApkIndex } from './index-read';
import { signApkIndex, writeApkIndex } from './index-write';
import { generateKeyPair, type KeyPair } from './keys';
import { minimalEntry } from './testdata/index-entry';

let alice: KeyPair;
let bob: KeyPair;

beforeAll(() => {
  alice = generateKeyPair('alice', 2048);
  bob = generateKeyPair('bob', 2048);
});

const entry = minimalEntry;

const ENTRIES = [entry('zlib', '1.3-r0'), entry('a-b', '2-r0'), entry('a', '10-r0'), entry('a', '9-r0'), entry('B', '1-r0')];

function indexText(bytes: Buffer): string {
  const members = splitMembers(bytes);
  const tar = readTar(members[members.length - 1]!.content);
  return tar.find((e) => e.name === 'APKINDEX')!.data.toString();
}

describe('writeApkIndex', () => {
  it('writes the same bytes whatever the input order', () => {
    const a = writeApkIndex(ENTRIES, { description: 'd' });
    const b = writeApkIndex([...ENTRIES].reverse(), { description: 'd' });
    expect(a.equals(b)).toBe(true);
  });

  it('orders records by name, then version, as raw bytes', () => {
    const order = readApkIndex(writeApkIndex(ENTRIES), { ignoreSignatures: true }).entries.map((e) => `${e.name}-${e.version}`);
    expect(order).toEqual(['B-1-r0', 'a-10-r0', 'a-9-r0', 'a-b-2-r0', 'zlib-1.3-r0']);
  });

  it('ends every record with a blank line', () => {
    const text = indexText(writeApkIndex([entry('a', '1-r0'), entry('b', '1-r0')]));
    expect(text.split('\n\n')).toHaveLength(3);
    expect(text.endsWith('L:MIT\n\n')).toBe(true);
  });

  it('writes APKINDEX then DESCRIPTION owned by uid 0 with no owner names and mtime 0, in a tar with end blocks', () => {
    const [member] = splitMembers(writeApkIndex(ENTRIES, { description: 'v1' }));
    const tar = readTar(member!.content);
    expect(tar.map((e) => [e.name, e.mode, e.uid, e.gid, e.uname, e.gname, e.mtime])).toEqual([
      ['APKINDEX', 0o644, 0, 0, '', '', 0],
      ['DESCRIPTION', 0o644, 0, 0, '', '', 0],
    ]);
    expect(member!.content.subarray(-1024).equals(Buffer.alloc(1024))).toBe(true);
  });

  it('signs with RSA256 by default in a signature tar without end blocks', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa' } });
    const [sig, idx] = splitMembers(bytes);
    const sigTar = readTar(sig!.content);
    expect(sigTar.map((e) => [e.name, e.uname, e.mtime])).toEqual([['.SIGN.RSA256.alice.rsa.pub', 'root', 0]]);
    expect(sig!.content.length).toBe(512 + 512); // one header + a 256-byte signature padded to a block, no end blocks
    expect(idx!.raw.equals(writeApkIndex(ENTRIES))).toBe(true);
  });

  it('signs with SHA-1 when asked for RSA', () => {
    const bytes = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' }, algorithm: 'RSA' });
    expect(readTar(splitMembers(bytes)[0]!.content)[0]!.name).toBe('.SIGN.RSA.alice.rsa.pub');
  });

  it('refuses two records for the same package version', () => {
    expect(() => writeApkIndex([entry('a', '1-r0'), entry('a', '1-r0')])).toThrow(FormatError);
    expect(() => writeApkIndex([entry('a', '1-r0'), entry('a', '1-r0')])).toThrow('the index would list a-1-r0 twice');
  });
});

describe('signApkIndex', () => {
  it('prepends a signature that verifies to an unsigned index', () => {
    const unsigned = writeApkIndex(ENTRIES);
    const signed = signApkIndex(unsigned, { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' });
    expect(signed.subarray(signed.length - unsigned.length).equals(unsigned)).toBe(true);
    expect(readApkIndex(signed, { keyring: new Map([['alice.rsa.pub', alice.publicKeyPem]]) }).signedBy).toBe('alice.rsa.pub');
  });

  it('leaves an already signed index unchanged', () => {
    const signed = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' } });
    expect(signApkIndex(signed, { privateKeyPem: bob.privateKeyPem, keyName: 'bob.rsa.pub' })).toBe(signed);
  });

  it('replaces the old signature when forced', () => {
    const signed = writeApkIndex(ENTRIES, { signingKey: { privateKeyPem: alice.privateKeyPem, keyName: 'alice.rsa.pub' } });
    const resigned = signApkIndex(signed, { privateKeyPem: bob.privateKeyPem, keyName: 'bob.rsa.pub' }, { force: true });
    expect(splitMembers(resigned)).toHaveLength(2);
    expect(readApkIndex(resigned, { keyring: new Map([['bob.rsa.pub', bob.publicKeyPem]]) }).signedBy).toBe('bob.rsa.pub');
    expect(() => readApkIndex(resigned, { keyring: new Map([['alice.rsa.pub', alice.publicKeyPem]]) })).toThrow(/signed with bob\.rsa\.pub/);
  });
});
