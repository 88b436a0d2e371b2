import { verify } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha1Hex, sha256Hex } from '../digest';
import { FormatError, UnsafePathError } from '../errors';
import { readTar } from '../tar/read';
import { APK_SHA1_PAX } from '../tar/types';
import { splitMembers } from './gzip-members';
import { generateKeyPair, type KeyPair } from './keys';
import { signApk, sortForPackage, writeApk, type ApkFileInput } from './package-write';
import { parsePkgInfo } from './pkginfo';
import { samplePackage } from './testdata/sample-package';

let key: KeyPair;
let other: KeyPair;

beforeAll(() => {
  key = generateKeyPair('test', 2048);
  other = generateKeyPair('other', 2048);
});

const signingKey = (k: KeyPair) => ({ privateKeyPem: k.privateKeyPem, keyName: k.publicKeyName });
const tarBlocks = (sizes: number[]) => sizes.reduce((n, s) => n + 512 + Math.ceil(s / 512) * 512, 0);

describe('writeApk', () => {
  it('writes the same bytes for the same input', () => {
    const signed = () => writeApk({ ...samplePackage(), signingKey: signingKey(key) });
    expect(signed().equals(signed())).toBe(true);
    expect(writeApk(samplePackage()).equals(writeApk(samplePackage()))).toBe(true);
  });

  it('writes control then data when unsigned, and signature, control, data when signed', () => {
    expect(splitMembers(writeApk(samplePackage()))).toHaveLength(2);
    expect(splitMembers(writeApk({ ...samplePackage(), signingKey: signingKey(key) }))).toHaveLength(3);
  });

  it('writes data entries in the given order with the epoch as mtime and a sha1 PAX record on files and symlinks', () => {
    const [, data] = splitMembers(writeApk(samplePackage()));
    const entries = readTar(data!.content);
    expect(entries.map((e) => [e.name, e.type, e.mode, e.uid, e.gid, e.uname, e.gname, e.mtime])).toEqual([
      ['usr', 'dir', 0o755, 0, 0, 'root', 'root', 1700000000],
      ['usr/bin', 'dir', 0o755, 0, 0, 'root', 'root', 1700000000],
      ['usr/bin/hello', 'file', 0o755, 0, 0, 'root', 'root', 1700000000],
      ['usr/bin/hi', 'hardlink', 0o755, 0, 0, 'root', 'root', 1700000000],
      ['usr/bin/hey', 'symlink', 0o777, 0, 0, 'root', 'root', 1700000000],
      ['usr/share', 'dir', 0o755, 0, 0, 'root', 'root', 1700000000],
      ['usr/share/hello.txt', 'file', 0o644, 501, 20, '', '', 1700000000],
    ]);
    const pax = Object.fromEntries(entries.map((e) => [e.name, e.pax[APK_SHA1_PAX]]));
    expect(pax).toEqual({
      usr: undefined,
      'usr/bin': undefined,
      'usr/bin/hello': sha1Hex('#!/bin/sh\necho hello\n'),
      'usr/bin/hi': undefined,
      'usr/bin/hey': sha1Hex('hello'),
      'usr/share': undefined,
      'usr/share/hello.txt': sha1Hex('hello world\n'),
    });
    expect(entries.find((e) => e.name === 'usr/bin/hi')!.linkname).toBe('usr/bin/hello');
    expect(data!.content.subarray(-1024).every((b) => b === 0)).toBe(true);
  });

  it('records the data member sha256 as datahash and the sum of file sizes as size', () => {
    const [control, data] = splitMembers(writeApk(samplePackage()));
    const pkginfo = parsePkgInfo(readTar(control!.content)[0]!.data.toString(), 'x');
    expect(pkginfo.datahash).toBe(sha256Hex(data!.raw));
    expect(pkginfo.size).toBe('#!/bin/sh\necho hello\n'.length + 'hello world\n'.length);
    const given = splitMembers(writeApk({ ...samplePackage(), pkginfo: { ...samplePackage().pkginfo, size: 4096 } }));
    expect(parsePkgInfo(readTar(given[0]!.content)[0]!.data.toString(), 'x').size).toBe(4096);
  });

  it('writes .PKGINFO, extra control entries, then scripts in fixed order, root-owned, without end-of-archive blocks', () => {
    const [control] = splitMembers(writeApk(samplePackage()));
    const entries = readTar(control!.content);
    expect(entries.map((e) => [e.name, e.mode, e.uid, e.gid, e.uname, e.gname, e.mtime])).toEqual([
      ['.PKGINFO', 0o644, 0, 0, 'root', 'root', 1700000000],
      ['.melange.yaml', 0o644, 0, 0, 'root', 'root', 1700000000],
      ['.pre-install', 0o755, 0, 0, 'root', 'root', 1700000000],
      ['.post-install', 0o755, 0, 0, 'root', 'root', 1700000000],
    ]);
    expect(control!.content.length).toBe(tarBlocks(entries.map((e) => e.size)));
  });

  it.each([
    ['RSA256', 'sha256'],
    ['RSA', 'sha1'],
  ] as const)('signs the control member with %s in a single root-owned entry without end blocks', (algorithm, hash) => {
    const [sig, control] = splitMembers(writeApk({ ...samplePackage(), signingKey: signingKey(key), algorithm }));
    const entries = readTar(sig!.content);
    expect(entries.map((e) => [e.name, e.mode, e.uname, e.gname, e.mtime])).toEqual([
      [`.SIGN.${algorithm}.test.rsa.pub`, 0o644, 'root', 'root', 1700000000],
    ]);
    expect(sig!.content.length).toBe(tarBlocks([entries[0]!.size]));
    expect(verify(hash, control!.raw, key.publicKeyPem, entries[0]!.data)).toBe(true);
  });

  it.each([
    ['an absolute path', { path: '/etc/passwd', type: 'file', mode: 0o644 } as ApkFileInput, UnsafePathError],
    ['a climbing path', { path: 'a/../../x', type: 'dir', mode: 0o755 } as ApkFileInput, UnsafePathError],
    ['a climbing hardlink', { path: 'x', type: 'hardlink', mode: 0o644, linkname: '../y' } as ApkFileInput, UnsafePathError],
    ['a symlink without a target', { path: 'x', type: 'symlink', mode: 0o777 } as ApkFileInput, FormatError],
  ])('refuses %s', (_what, file, cls) => {
    expect(() => writeApk({ ...samplePackage(), files: [file] })).toThrow(cls);
  });

  it('refuses a script name apk-tools would not run', () => {
    expect(() => writeApk({ ...samplePackage(), scripts: { 'post-build': 'x' } })).toThrow(
      'hello-1.2.3-r4: "post-build" is not an install script name',
    );
  });
});

describe('sortForPackage', () => {
  it('puts every parent before its children, comparing names by bytes', () => {
    const paths = ['usr-local', 'usr/bin/z', 'usr', 'etc', 'usr/bin', 'usr/Bin', 'usr/bin/a', 'etc/x'];
    const sorted = sortForPackage(paths.map((path) => ({ path }))).map((f) => f.path);
    expect(sorted).toEqual(['etc', 'etc/x', 'usr', 'usr/Bin', 'usr/bin', 'usr/bin/a', 'usr/bin/z', 'usr-local']);
  });
});

describe('signApk', () => {
  it('replaces the signature member and leaves control and data bytes alone', () => {
    const signed = writeApk({ ...samplePackage(), signingKey: signingKey(key) });
    const resigned = splitMembers(signApk(signed, signingKey(other)));
    const original = splitMembers(signed);
    expect(resigned).toHaveLength(3);
    expect(resigned[1]!.raw.equals(original[1]!.raw) && resigned[2]!.raw.equals(original[2]!.raw)).toBe(true);
    const entry = readTar(resigned[0]!.content)[0]!;
    expect(entry.name).toBe('.SIGN.RSA256.other.rsa.pub');
    expect(verify('sha256', resigned[1]!.raw, other.publicKeyPem, entry.data)).toBe(true);
  });

  it('adds a signature to an unsigned package, equal to signing at write time', () => {
    const signedLater = signApk(writeApk(samplePackage()), signingKey(key));
    expect(signedLater.equals(writeApk({ ...samplePackage(), signingKey: signingKey(key) }))).toBe(true);
  });
});
