import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../../e2e/support/env';
import { sha1Hex } from '../digest';
import { SignatureError } from '../errors';
import { readTar } from '../tar/read';
import { APK_SHA1_PAX, type TarEntry } from '../tar/types';
import { splitMembers } from './gzip-members';
import { generateKeyPair } from './keys';
import type { ApkPackage } from './package';
import { readApk, readApkBytes } from './package-read';
import { writeApk, type ApkFileInput } from './package-write';

const alpine = fixture('packages', 'alpine-baselayout-3.2.0-r23.aarch64.apk');
const wolfi = fixture('packages', 'hello-wolfi-2.12.1-r0.x86_64.apk');
const minimal = fixture('packages', 'hello-0.1.0-r0.apk');
const alpineKey = fixture('keys', 'alpine', 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub');

/** Keys of a .PKGINFO in file order, comments left out. */
const pkginfoKeys = (text: string) => text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => l.split('=')[0]!.trim());
/** A control tar (no PAX headers) without end-of-archive blocks is exactly its entries' header and data blocks. */
const endsWithoutEndBlocks = (content: Buffer) =>
  content.length === readTar(content).reduce((n, e) => n + 512 + Math.ceil(e.size / 512) * 512, 0);

describe.skipIf(!alpine || !alpineKey)('an Alpine package built by abuild', () => {
  let pkg: ApkPackage;
  beforeAll(async () => {
    const keyring = new Map([['alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub', readFileSync(alpineKey!, 'utf8')]]);
    pkg = await readApk(alpine!, { verifySignature: true, keyring });
  });

  it('reads, and its SHA-1 signature verifies with the 616ae350 key', () => {
    expect(pkg.pkginfo.pkgname).toBe('alpine-baselayout');
    expect(pkg.pkginfo.pkgver).toBe('3.2.0-r23');
    expect(pkg.signatures.map((s) => [s.algorithm, s.keyName])).toEqual([['RSA', 'alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub']]);
  });

  it('keeps its install scripts as control entries', () => {
    expect(pkg.controlEntries.map((e) => e.name).sort()).toEqual(['.post-install', '.post-upgrade', '.pre-install', '.pre-upgrade']);
    expect(pkg.controlEntries.every((e) => e.data.toString().startsWith('#!'))).toBe(true);
  });

  it('depends on alpine-baselayout-data=3.2.0-r23 and /bin/sh, and keeps unknown keys', () => {
    expect(pkg.pkginfo.depend).toEqual(expect.arrayContaining(['alpine-baselayout-data=3.2.0-r23', '/bin/sh']));
    expect(pkg.pkginfo.extra).toEqual([['packager', 'Buildozer <alpine-devel@lists.alpinelinux.org>']]);
  });

  it('fails signature verification with a key that did not sign it', () => {
    const wrongKey = fixture('keys', 'alpine', 'alpine-devel@lists.alpinelinux.org-4a6a0840.rsa.pub')!;
    const keyring = new Map([['alpine-devel@lists.alpinelinux.org-616ae350.rsa.pub', readFileSync(wrongKey, 'utf8')]]);
    expect(() => readApkBytes(readFileSync(alpine!), { verifySignature: true, keyring })).toThrow(SignatureError);
  });
});

describe.skipIf(!wolfi)('a Wolfi package built by melange', () => {
  let bytes: Buffer;
  let pkg: ApkPackage;
  beforeAll(() => {
    bytes = readFileSync(wolfi!);
    pkg = readApkBytes(bytes, { subject: wolfi });
  });

  it('has three streams and the documented datahash, provides and depends', () => {
    expect(splitMembers(bytes)).toHaveLength(3);
    expect(pkg.spans.signature).toBeDefined();
    expect(pkg.signatures.map((s) => [s.algorithm, s.keyName])).toEqual([['RSA', 'melange.rsa.pub']]);
    expect(pkg.pkginfo.datahash).toMatch(/^3a6c21f2[0-9a-f]{52}d887$/);
    expect(pkg.hashes.dataSha256).toBe(pkg.pkginfo.datahash);
    expect(pkg.pkginfo.provides).toContain('cmd:hello=2.12.1-r0');
    expect(pkg.pkginfo.depend).toContain('so:libc.so.6');
  });

  it('carries an APK-TOOLS.checksum.SHA1 record on every regular file, and each verifies', () => {
    const files = pkg.dataEntries.filter((e) => e.type === 'file');
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f.pax[APK_SHA1_PAX]).toBe(sha1Hex(f.data));
  });

  it('has the same structure as a package we write from the same contents', () => {
    const key = generateKeyPair('melange', 2048);
    const ours = writeApk({
      pkginfo: { ...pkg.pkginfo },
      files: pkg.dataEntries.map(toFileInput),
      signingKey: { privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa.pub' },
      algorithm: 'RSA',
      sourceDateEpoch: 12345678,
    });
    const [theirSig, theirCtl, theirData] = splitMembers(bytes);
    const [ourSig, ourCtl, ourData] = splitMembers(ours);
    expect(splitMembers(ours)).toHaveLength(3);
    const names = (c: Buffer) => readTar(c).map((e) => [e.name, e.mode, e.uname, e.gname, e.mtime]);
    expect(names(ourSig!.content)).toEqual(names(theirSig!.content));
    expect(names(ourCtl!.content)).toEqual(names(theirCtl!.content));
    expect(endsWithoutEndBlocks(ourCtl!.content) && endsWithoutEndBlocks(theirCtl!.content)).toBe(true);
    expect(ourData!.content.subarray(-1024).every((b) => b === 0) && theirData!.content.subarray(-1024).every((b) => b === 0)).toBe(true);
    const pkginfoText = (c: Buffer) => readTar(c)[0]!.data.toString();
    expect(pkginfoKeys(pkginfoText(ourCtl!.content))).toEqual(pkginfoKeys(pkginfoText(theirCtl!.content)));
    const back = readApkBytes(ours);
    expect({ ...back.pkginfo, datahash: undefined }).toEqual({ ...pkg.pkginfo, datahash: undefined });
    const checksums = (es: readonly TarEntry[]) => es.map((e) => [e.name, e.type, e.mode, e.pax[APK_SHA1_PAX]]);
    expect(checksums(back.dataEntries)).toEqual(checksums(pkg.dataEntries));
  });
});

describe.skipIf(!minimal)('a minimal unsigned melange package', () => {
  it('has two streams and no signature', async () => {
    const pkg = await readApk(minimal!);
    expect(splitMembers(readFileSync(minimal!))).toHaveLength(2);
    expect(pkg.signatures).toEqual([]);
    expect(pkg.spans.signature).toBeUndefined();
    expect(pkg.pkginfo).toMatchObject({ pkgname: 'hello', pkgver: '0.1.0-r0', depend: ['busybox'], license: ['Apache-2.0'] });
  });
});

function toFileInput(e: TarEntry): ApkFileInput {
  const type = e.type as ApkFileInput['type'];
  return { path: e.name, type, mode: e.mode, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, data: e.data, linkname: e.linkname || undefined };
}
