/**
 * Test inputs for the package reader and writer: a small but complete
 * package description, and a way to assemble a package by hand from tar
 * entries the writer would refuse to make (unsafe names, wrong checksums).
 */
import { sha256Hex } from '../../digest';
import { writeTar, type TarHeaderInput } from '../../tar/write';
import { gzipMember } from '../gzip-members';
import type { WriteApkInput } from '../package-write';
import { formatPkgInfo } from '../pkginfo';
import type { PkgInfo } from '../types';

/** A package with a directory tree, a file, an executable, a symlink, a hardlink and install scripts. */
export function samplePackage(): WriteApkInput {
  return {
    pkginfo: {
      pkgname: 'hello',
      pkgver: '1.2.3-r4',
      arch: 'x86_64',
      origin: 'hello',
      pkgdesc: 'says hello',
      url: 'https://example.org/hello',
      commit: 'deadbeef',
      builddate: 1700000000,
      license: ['MIT'],
      depend: ['so:libc.so.6', 'busybox'],
      provides: ['cmd:hello=1.2.3-r4'],
      replaces: [],
      install_if: [],
      triggers: [],
      extra: [],
    },
    files: [
      { path: 'usr', type: 'dir', mode: 0o755 },
      { path: 'usr/bin', type: 'dir', mode: 0o755 },
      { path: 'usr/bin/hello', type: 'file', mode: 0o755, data: '#!/bin/sh\necho hello\n' },
      { path: 'usr/bin/hi', type: 'hardlink', mode: 0o755, linkname: 'usr/bin/hello' },
      { path: 'usr/bin/hey', type: 'symlink', mode: 0o777, linkname: 'hello' },
      { path: 'usr/share', type: 'dir', mode: 0o755 },
      { path: 'usr/share/hello.txt', type: 'file', mode: 0o644, uid: 501, gid: 20, data: Buffer.from('hello world\n') },
    ],
    scripts: { 'post-install': '#!/bin/sh\necho installed\n', '.pre-install': '#!/bin/sh\nexit 0\n' },
    extraControl: [{ name: '.melange.yaml', data: 'package:\n  name: hello\n', mode: 0o644 }],
    sourceDateEpoch: 1700000000,
  };
}

/** Minimal PkgInfo for hand-built packages. */
export function minimalPkgInfo(datahash: string): PkgInfo {
  return {
    pkgname: 'evil',
    pkgver: '1-r0',
    arch: 'x86_64',
    size: 0,
    license: [],
    depend: [],
    provides: [],
    replaces: [],
    install_if: [],
    triggers: [],
    datahash,
    extra: [],
  };
}

/** An unsigned package whose data tar holds exactly these entries and whose datahash is right. */
export function assemble(dataEntries: readonly (TarHeaderInput & { data?: Uint8Array })[]): Buffer {
  const data = gzipMember(writeTar(dataEntries));
  const pkginfo = formatPkgInfo(minimalPkgInfo(sha256Hex(data)));
  const control = gzipMember(writeTar([{ name: '.PKGINFO', type: 'file', mode: 0o644, data: Buffer.from(pkginfo) }], { end: false }));
  return Buffer.concat([control, data]);
}
