/**
 * Repositories made by our own code for repository tests: small packages
 * (optional signature, control, data members, as melange writes them) and a
 * signed APKINDEX.tar.gz beside them in `<root>/<arch>/`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipMember } from '../../apk/gzip-members';
import { writeApkIndex } from '../../apk/index-write';
import type { KeyPair } from '../../apk/keys';
import { signBytes, signatureName } from '../../apk/signature';
import type { IndexEntry } from '../../apk/types';
import { apkChecksumOf } from '../../digest';
import { writeTar } from '../../tar/write';

/** A package's file bytes and its index record. */
export interface TestPackage {
  readonly bytes: Buffer;
  readonly entry: IndexEntry;
}

/** Builds a small package; signed by `key` when given. */
export function makePackage(name: string, version: string, arch: string, key?: KeyPair): TestPackage {
  const content = Buffer.from(`hello from ${name} ${version}\n`);
  const data = gzipMember(writeTar([{ name: `usr/share/${name}/hello`, type: 'file', mode: 0o644, data: content }]));
  const pkginfo = `pkgname = ${name}\npkgver = ${version}\narch = ${arch}\nsize = ${content.length}\n`;
  const control = gzipMember(writeTar([{ name: '.PKGINFO', type: 'file', mode: 0o644, data: Buffer.from(pkginfo) }], { end: false }));
  const members = [control, data];
  if (key !== undefined) {
    const sig = writeTar([{ name: signatureName('RSA256', key.publicKeyName), type: 'file', mode: 0o644, data: signBytes(control, key.privateKeyPem) }], { end: false });
    members.unshift(gzipMember(sig));
  }
  const bytes = Buffer.concat(members);
  return {
    bytes,
    entry: {
      checksum: apkChecksumOf(control),
      name,
      version,
      arch,
      size: bytes.length,
      installedSize: content.length,
      description: `test package ${name}`,
      url: '',
      license: 'MIT',
      depends: [],
      provides: [],
      installIf: [],
      replaces: [],
    },
  };
}

/** Writes `<root>/<arch>/*.apk` and an index signed by `key` (unsigned without one). */
export function writeRepository(root: string, arch: string, packages: readonly TestPackage[], key?: KeyPair): void {
  const dir = join(root, arch);
  mkdirSync(dir, { recursive: true });
  for (const p of packages) writeFileSync(join(dir, `${p.entry.name}-${p.entry.version}.apk`), p.bytes);
  const signingKey = key ? { signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.publicKeyName } } : {};
  writeFileSync(join(dir, 'APKINDEX.tar.gz'), writeApkIndex(packages.map((p) => p.entry), { description: 'test repo', ...signingKey }));
}
