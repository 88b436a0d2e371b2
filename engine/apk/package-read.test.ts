import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apkChecksumOf, q1FromSha1Hex, sha1Hex, sha256Hex } from '../digest';
import { ChecksumError, FetchError, FormatError, LimitError, SignatureError, UnsafePathError, UnverifiedDataError } from '../errors';
import { readTar } from '../tar/read';
import { APK_SHA1_PAX } from '../tar/types';
import { writeTar } from '../tar/write';
import { gzipMember, splitMembers } from './gzip-members';
import { generateKeyPair, type KeyPair } from './keys';
import { readApk, readApkBytes, toIndexEntry } from './package-read';
import { writeApk } from './package-write';
import { formatPkgInfo } from './pkginfo';
import { assemble, minimalPkgInfo, samplePackage } from './testdata/sample-package';

let key: KeyPair;
let other: KeyPair;
let signed: Buffer;
let dir: string;

beforeAll(() => {
  key = generateKeyPair('test', 2048);
  other = generateKeyPair('other', 2048);
  signed = writeApk({ ...samplePackage(), signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName } });
  dir = mkdtempSync(join(tmpdir(), 'apk-read-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyring = (k: KeyPair) => new Map([[k.publicKeyName, k.publicKeyPem]]);

function caught(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** Replaces member `i` with a re-gzipped, edited copy of its content. */
function withMember(bytes: Buffer, i: number, edit: (content: Buffer) => Buffer): Buffer {
  const members = splitMembers(bytes);
  return Buffer.concat(members.map((m, j) => (j === i ? gzipMember(edit(Buffer.from(m.content))) : m.raw)));
}

describe('readApkBytes', () => {
  it('reads back what writeApk wrote: pkginfo, files, scripts and checksums', () => {
    const pkg = readApkBytes(signed);
    const members = splitMembers(signed);
    const input = samplePackage();
    expect(pkg.pkginfo).toEqual({ ...input.pkginfo, size: 33, datahash: sha256Hex(members[2]!.raw) });
    expect(pkg.checksum).toBe(apkChecksumOf(members[1]!.raw));
    expect(pkg.size).toBe(signed.length);
    expect(pkg.spans).toEqual({
      signature: { start: 0, end: members[0]!.end },
      control: { start: members[1]!.start, end: members[1]!.end },
      data: { start: members[2]!.start, end: signed.length },
    });
    expect(pkg.hashes).toEqual({
      signatureSha1: sha1Hex(members[0]!.raw),
      controlSha1: sha1Hex(members[1]!.raw),
      dataSha256: sha256Hex(members[2]!.raw),
    });
    expect(pkg.signatures.map((s) => [s.algorithm, s.keyName])).toEqual([['RSA256', 'test.rsa.pub']]);
    expect(pkg.controlEntries.map((e) => [e.name, e.data.toString()])).toEqual([
      ['.melange.yaml', 'package:\n  name: hello\n'],
      ['.pre-install', '#!/bin/sh\nexit 0\n'],
      ['.post-install', '#!/bin/sh\necho installed\n'],
    ]);
    expect(pkg.dataEntries.map((e) => [e.name, e.type, e.mode, e.linkname, e.data.toString()])).toEqual(
      input.files.map((f) => [f.path, f.type, f.mode, f.linkname ?? '', f.data?.toString() ?? '']),
    );
  });

  it('reads an unsigned package of two members', () => {
    const pkg = readApkBytes(writeApk(samplePackage()));
    expect(pkg.signatures).toEqual([]);
    expect(pkg.spans.signature).toBeUndefined();
    expect(pkg.hashes.signatureSha1).toBeUndefined();
    expect(pkg.spans.control.start).toBe(0);
  });

  it.each(['RSA', 'RSA256'] as const)('verifies a %s signature with the matching key and fails with another', (algorithm) => {
    const bytes = writeApk({ ...samplePackage(), algorithm, signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName } });
    expect(readApkBytes(bytes, { verifySignature: true, keyring: keyring(key) }).signatures[0]!.algorithm).toBe(algorithm);
    const wrong = new Map([[key.publicKeyName, other.publicKeyPem]]);
    const err = caught(() => readApkBytes(bytes, { subject: 'hello.apk', verifySignature: true, keyring: wrong }));
    expect(err).toBeInstanceOf(SignatureError);
    expect(err.message).toBe('hello.apk: no trusted key verifies the signature: the signature by test.rsa.pub does not verify');
  });

  it('fails signature verification of an unsigned package', () => {
    const err = caught(() => readApkBytes(writeApk(samplePackage()), { subject: 'u.apk', verifySignature: true, keyring: keyring(key) }));
    expect(err).toBeInstanceOf(SignatureError);
    expect(err.message).toBe('u.apk is not signed');
  });

  it('accepts the index checksum it was promised and rejects another', () => {
    const checksum = readApkBytes(signed).checksum;
    expect(readApkBytes(signed, { expectedChecksum: checksum }).checksum).toBe(checksum);
    const wrong = q1FromSha1Hex('00'.repeat(20));
    const err = caught(() => readApkBytes(signed, { subject: 'hello-1.2.3-r4', expectedChecksum: wrong }));
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err).toMatchObject({ code: 'EINTEGRITY', subject: 'hello-1.2.3-r4', algorithm: 'sha1', expected: wrong, actual: checksum });
    expect(err.message).toBe(`hello-1.2.3-r4: the control section has checksum ${checksum}, but the index promised ${wrong}`);
  });

  it.each([0, 1, 2])('rejects a flipped byte inside gzip member %i with a FormatError', (i) => {
    const m = splitMembers(signed)[i]!;
    const bytes = Buffer.from(signed);
    const at = m.start + Math.floor((m.end - m.start) / 2);
    bytes[at] = bytes[at]! ^ 0xff;
    // The data member is vouched for by datahash, which is checked before it is inflated.
    expect(caught(() => readApkBytes(bytes))).toBeInstanceOf(i === 2 ? ChecksumError : FormatError);
  });

  it('rejects an altered signature with a SignatureError, and ignores it when not verifying', () => {
    const bytes = withMember(signed, 0, (c) => {
      c[512 + 7] = c[512 + 7]! ^ 0x01;
      return c;
    });
    expect(readApkBytes(bytes).pkginfo.pkgname).toBe('hello');
    expect(caught(() => readApkBytes(bytes, { verifySignature: true, keyring: keyring(key) }))).toBeInstanceOf(SignatureError);
  });

  it('rejects an altered control section: C: mismatch, and the signature no longer verifies', () => {
    const original = readApkBytes(signed).checksum;
    const bytes = withMember(signed, 1, (c) => writeTar(readTar(c).map((e) => ({ ...e, mode: 0o600 })), { end: false }));
    expect(caught(() => readApkBytes(bytes, { expectedChecksum: original }))).toBeInstanceOf(ChecksumError);
    expect(caught(() => readApkBytes(bytes, { verifySignature: true, keyring: keyring(key) }))).toBeInstanceOf(SignatureError);
  });

  it('rejects an altered data section by its datahash, naming the package', () => {
    const bytes = withMember(signed, 2, (c) => {
      const at = c.indexOf('hello world');
      c[at] = 'j'.charCodeAt(0);
      return c;
    });
    const err = caught(() => readApkBytes(bytes));
    const expected = readApkBytes(signed).pkginfo.datahash!;
    const actual = sha256Hex(splitMembers(bytes)[2]!.raw);
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err).toMatchObject({ subject: 'hello-1.2.3-r4', algorithm: 'sha256', expected, actual });
    expect(err.message).toBe(`hello-1.2.3-r4: the data section has sha256 ${actual}, but .PKGINFO datahash is ${expected}`);
  });

  it.each([
    ['hex', (s: string) => s],
    ['Q1', (s: string) => q1FromSha1Hex(s)],
  ])('checks each file against its %s APK-TOOLS.checksum.SHA1 record', (_form, encode) => {
    const good = assemble([{ name: 'a', type: 'file', mode: 0o644, data: Buffer.from('x'), pax: { [APK_SHA1_PAX]: encode(sha1Hex('x')) } }]);
    expect(readApkBytes(good).dataEntries[0]!.name).toBe('a');
    const bad = assemble([{ name: 'etc/a', type: 'file', mode: 0o644, data: Buffer.from('x'), pax: { [APK_SHA1_PAX]: encode(sha1Hex('y')) } }]);
    const err = caught(() => readApkBytes(bad));
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.message).toBe(`evil-1-r0: etc/a has sha1 ${sha1Hex('x')}, but the package records ${sha1Hex('y')}`);
  });

  it('checks a symlink against the sha1 of its target', () => {
    const bad = assemble([{ name: 'l', type: 'symlink', mode: 0o777, linkname: '/run', pax: { [APK_SHA1_PAX]: sha1Hex('/var/run') } }]);
    expect(caught(() => readApkBytes(bad))).toBeInstanceOf(ChecksumError);
  });

  it('rejects a malformed checksum record with a FormatError', () => {
    const bad = assemble([{ name: 'a', type: 'file', mode: 0o644, data: Buffer.from('x'), pax: { [APK_SHA1_PAX]: 'nope' } }]);
    expect(caught(() => readApkBytes(bad)).message).toBe('evil-1-r0: a has a malformed APK-TOOLS.checksum.SHA1 record "nope"');
  });

  it.each([
    ['/etc/passwd', [{ name: '/etc/passwd', type: 'file' as const, mode: 0o644 }]],
    ['a/../../x', [{ name: 'a/../../x', type: 'file' as const, mode: 0o644 }]],
    ['h', [{ name: 'h', type: 'hardlink' as const, mode: 0o644, linkname: '../../etc/shadow' }]],
  ])('rejects the unsafe entry %s, naming the package', (entry, entries) => {
    const err = caught(() => readApkBytes(assemble(entries)));
    expect(err).toBeInstanceOf(UnsafePathError);
    expect(err).toMatchObject({ subject: 'evil-1-r0', entry });
  });

  it('accepts ./-prefixed names and normalizes them', () => {
    const pkg = readApkBytes(assemble([{ name: './usr/bin', type: 'dir', mode: 0o755 }]));
    expect(pkg.dataEntries.map((e) => e.name)).toEqual(['usr/bin']);
  });

  it('stops a control section that inflates past the limit (a gzip bomb) with a LimitError', () => {
    const bomb = writeApk({ ...samplePackage(), extraControl: [{ name: '.melange.yaml', data: Buffer.alloc(11 * 1024 * 1024), mode: 0o644 }] });
    expect(bomb.length).toBeLessThan(100_000);
    const err = caught(() => readApkBytes(bomb, { subject: 'bomb.apk' }));
    expect(err).toBeInstanceOf(LimitError);
    expect(err).toMatchObject({ code: 'ELIMIT', subject: 'bomb.apk', limit: 10 * 1024 * 1024 });
    expect(err.message).toBe('bomb.apk: the signature or control section inflates to more than 10485760 bytes');
  });

  it('stops a data section that inflates past maxDataSize with a LimitError', () => {
    const err = caught(() => readApkBytes(signed, { maxDataSize: 4096 }));
    expect(err).toBeInstanceOf(LimitError);
    expect(err.message).toBe('hello-1.2.3-r4: the data section inflates to more than 4096 bytes');
  });

  it.each([
    ['no data section', () => Buffer.concat(splitMembers(signed).slice(0, 2).map((m) => m.raw)), 'hello-1.2.3-r4 (p): the package ends before its data section'],
    ['no control section', () => splitMembers(signed)[0]!.raw, 'p: the package ends before its control section'],
    ['no .PKGINFO', () => Buffer.concat([gzipMember(writeTar([{ name: 'x', type: 'file', mode: 0o644 }], { end: false })), gzipMember(writeTar([]))]), 'p: the control section has no .PKGINFO'],
  ])('rejects a package with %s, naming it by .PKGINFO once known', (_what, make, message) => {
    const err = caught(() => readApkBytes(make(), { subject: 'p' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe(message);
  });
});

/** A package of raw parts: the control member holds the given control entries, the data member is given whole. */
function rawPackage(pkginfos: readonly string[], data: Buffer): Buffer {
  const control = gzipMember(writeTar(pkginfos.map((text) => ({ name: '.PKGINFO', type: 'file' as const, mode: 0o644, data: Buffer.from(text) })), { end: false }));
  return Buffer.concat([control, data]);
}

const pkginfoText = (datahash: string | undefined) => formatPkgInfo({ ...minimalPkgInfo(''), datahash });

describe('readApkBytes: what vouches for the data', () => {
  const data = gzipMember(writeTar([{ name: 'a', type: 'file', mode: 0o644, data: Buffer.from('a') }]));

  it('refuses a package without datahash, naming it and the opt-out', () => {
    const err = caught(() => readApkBytes(rawPackage([pkginfoText(undefined)], data), { subject: 'evil.apk' }));
    expect(err).toBeInstanceOf(UnverifiedDataError);
    expect(err).toMatchObject({ code: 'EUNVERIFIED', subject: 'evil.apk' });
    expect(err.message).toBe("evil-1-r0 (evil.apk): .PKGINFO has no datahash, so nothing vouches for the package's data section");
    expect((err as UnverifiedDataError).hint).toContain('--allow-unverified-data');
  });

  it('reads a package without datahash when the caller opts out', () => {
    const pkg = readApkBytes(rawPackage([pkginfoText(undefined)], data), { allowUnverifiedData: true });
    expect(pkg.dataEntries.map((e) => e.name)).toEqual(['a']);
    expect(pkg.hashes.dataSha256).toBe(sha256Hex(data));
  });

  it('refuses bytes appended after the data section by datahash, and by their count when opted out of datahash', () => {
    const good = rawPackage([pkginfoText(sha256Hex(data))], data);
    expect(caught(() => readApkBytes(Buffer.concat([good, Buffer.from('junk')])))).toBeInstanceOf(ChecksumError);
    const err = caught(() => readApkBytes(Buffer.concat([rawPackage([pkginfoText(undefined)], data), Buffer.from('junk')]), { allowUnverifiedData: true }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('evil-1-r0: 4 unexpected bytes follow the data section');
  });

  it('never inflates a data section its datahash does not vouch for', () => {
    // 64 MiB of zeros under a wrong datahash, with no data limit: refused by the digest, not by inflating.
    const bomb = gzipMember(Buffer.alloc(64 * 1024 * 1024));
    const err = caught(() => readApkBytes(rawPackage([pkginfoText('0'.repeat(64))], bomb), { maxDataSize: 2 ** 32 }));
    expect(err).toBeInstanceOf(ChecksumError);
  });

  it('takes a digest from elsewhere (a lock file) as vouching for the data, checked before inflating', () => {
    const vouched = (sha256: string) => ({ sha256, by: 'the lock file', hint: 'lock again' });
    const pkg = readApkBytes(rawPackage([pkginfoText(undefined)], data), { vouchedData: vouched(sha256Hex(data)) });
    expect(pkg.dataEntries.map((e) => e.name)).toEqual(['a']);
    const bomb = gzipMember(Buffer.alloc(64 * 1024 * 1024));
    const err = caught(() => readApkBytes(rawPackage([pkginfoText(undefined)], bomb), { subject: 'p', vouchedData: vouched(sha256Hex(data)), maxDataSize: 2 ** 32 }));
    expect(err).toBeInstanceOf(ChecksumError);
    expect(err.message).toBe('evil-1-r0: the data section does not match the lock file');
    expect(err).toMatchObject({ subject: 'p', expected: sha256Hex(data), actual: sha256Hex(bomb), hint: 'lock again' });
  });

  it('refuses a datahash that is not a hex sha256', () => {
    const err = caught(() => readApkBytes(rawPackage([pkginfoText('zz')], data)));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('evil-1-r0: .PKGINFO datahash "zz" is not a hex sha256');
  });

  it('refuses a control section with two .PKGINFO entries', () => {
    const err = caught(() => readApkBytes(rawPackage([pkginfoText(sha256Hex(data)), pkginfoText(undefined)], data), { subject: 'twice.apk' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toBe('twice.apk: the control section holds 2 .PKGINFO entries; a package has one');
  });

  it.each([
    ['a data member cut short', (b: Buffer) => b.subarray(0, b.length - 20)],
    ['a control member cut short', (b: Buffer) => b.subarray(0, 30)],
  ])('refuses %s with a hint', (_what, cut) => {
    const err = caught(() => readApkBytes(cut(rawPackage([pkginfoText(undefined)], data)), { allowUnverifiedData: true, subject: 'cut.apk' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toContain('cut.apk');
    expect((err as FormatError).hint).toMatch(/\S/);
  });

  it('refuses a tar entry that declares more bytes than the section holds, with a hint', () => {
    const tar = writeTar([{ name: 'a', type: 'file', mode: 0o644, data: Buffer.from('abc') }]);
    tar.write('77777777777\0', 124, 'ascii');
    let sum = 0;
    tar.write('        ', 148, 'ascii');
    for (let i = 0; i < 512; i++) sum += tar[i]!;
    tar.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
    const lying = gzipMember(tar);
    const err = caught(() => readApkBytes(rawPackage([pkginfoText(sha256Hex(lying))], lying), { subject: 'big.apk' }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.message).toContain('evil-1-r0 (big.apk)');
    expect((err as FormatError).hint).toMatch(/\S/);
  });
});

describe('readApk', () => {
  it('reads a package from a path', async () => {
    const path = join(dir, 'hello.apk');
    writeFileSync(path, signed);
    expect((await readApk(path, { verifySignature: true, keyring: keyring(key) })).pkginfo.pkgname).toBe('hello');
  });

  it('names the file in errors when reading from a path', async () => {
    const path = join(dir, 'broken.apk');
    writeFileSync(path, Buffer.concat([signed.subarray(0, 10)]));
    await expect(readApk(path)).rejects.toThrow(`${path}: `);
    await expect(readApk(join(dir, 'missing.apk'))).rejects.toBeInstanceOf(FetchError);
  });
});

describe('toIndexEntry', () => {
  it('takes C from the checksum, S from the file size and the rest from .PKGINFO', () => {
    const pkg = readApkBytes(signed);
    expect(toIndexEntry(pkg)).toEqual({
      name: 'hello',
      version: '1.2.3-r4',
      arch: 'x86_64',
      size: signed.length,
      installedSize: 33,
      description: 'says hello',
      url: 'https://example.org/hello',
      license: 'MIT',
      origin: 'hello',
      maintainer: undefined,
      buildTime: 1700000000,
      commit: 'deadbeef',
      depends: ['so:libc.so.6', 'busybox'],
      provides: ['cmd:hello=1.2.3-r4'],
      installIf: [],
      providerPriority: undefined,
      replaces: [],
      replacesPriority: undefined,
      checksum: pkg.checksum,
    });
  });

  it('joins several licenses into one SPDX AND expression', () => {
    const bytes = writeApk({ ...samplePackage(), pkginfo: { ...samplePackage().pkginfo, license: ['MIT', 'GPL-2.0-only'] } });
    expect(toIndexEntry(readApkBytes(bytes)).license).toBe('MIT AND GPL-2.0-only');
  });
});
