/**
 * Builds `ApkPackage` values for tests straight from a small description, so
 * rootfs tests do not depend on the package writer. Regular files and
 * symlinks get the `APK-TOOLS.checksum.SHA1` PAX record melange writes,
 * unless the entry says otherwise.
 */
import { apkChecksumOf, sha1Hex } from '../../digest';
import type { ApkPackage } from '../../apk/package';
import type { PkgInfo } from '../../apk/types';
import { APK_SHA1_PAX, type TarEntry, type TarEntryType } from '../../tar/types';

/** One data or control entry. */
export interface EntrySpec {
  name: string;
  type: TarEntryType;
  data?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  /** Extra PAX records; `APK-TOOLS.checksum.SHA1` here overrides the computed one. */
  pax?: Record<string, string>;
  /** Leave out the checksum PAX record. */
  noChecksum?: boolean;
}

/** A package description. */
export interface PackageSpec extends Partial<Omit<PkgInfo, 'pkgname' | 'pkgver'>> {
  name: string;
  version?: string;
  entries?: EntrySpec[];
  /** Control entries besides .PKGINFO (scripts 0755, .melange.yaml 0644). */
  control?: EntrySpec[];
  /** Override the `Q1…` control checksum. */
  checksum?: string;
  /** Size of the .apk (the db's `S:`). */
  apkSize?: number;
}

/** A directory entry. */
export function dir(name: string, opts: Partial<EntrySpec> = {}): EntrySpec {
  return { name, type: 'dir', mode: 0o755, ...opts };
}

/** A regular file entry. */
export function file(name: string, data: string | Buffer, opts: Partial<EntrySpec> = {}): EntrySpec {
  return { name, type: 'file', data, mode: 0o644, ...opts };
}

/** A symlink entry. */
export function symlink(name: string, target: string, opts: Partial<EntrySpec> = {}): EntrySpec {
  return { name, type: 'symlink', linkname: target, mode: 0o777, ...opts };
}

/** A hardlink entry. */
export function hardlink(name: string, target: string, opts: Partial<EntrySpec> = {}): EntrySpec {
  return { name, type: 'hardlink', linkname: target, mode: 0o644, ...opts };
}

function toEntry(e: EntrySpec): TarEntry {
  const data = e.type === 'file' ? Buffer.from(e.data ?? '') : Buffer.alloc(0);
  const pax: Record<string, string> = {};
  if (!e.noChecksum && e.type === 'file') pax[APK_SHA1_PAX] = sha1Hex(data);
  if (!e.noChecksum && e.type === 'symlink') pax[APK_SHA1_PAX] = sha1Hex(e.linkname ?? '');
  Object.assign(pax, e.pax ?? {});
  return {
    name: e.name,
    type: e.type,
    mode: e.mode ?? (e.type === 'dir' ? 0o755 : 0o644),
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    uname: '',
    gname: '',
    size: data.length,
    mtime: e.mtime ?? 0,
    linkname: e.linkname ?? '',
    devmajor: 0,
    devminor: 0,
    pax,
    data,
  };
}

/** Builds the package value. */
export function makePackage(spec: PackageSpec): ApkPackage {
  const { name, version = '1.0.0-r0', entries = [], control = [], checksum, apkSize, ...info } = spec;
  const pkginfo: PkgInfo = {
    pkgname: name,
    pkgver: version,
    arch: 'x86_64',
    size: 0,
    license: [],
    depend: [],
    provides: [],
    replaces: [],
    install_if: [],
    triggers: [],
    extra: [],
    origin: name,
    ...info,
  };
  return {
    pkginfo,
    checksum: checksum ?? apkChecksumOf(Buffer.from(`${name}-${version}`)),
    size: apkSize ?? 1000,
    signatures: [],
    spans: { control: { start: 0, end: 10 }, data: { start: 10, end: 20 } },
    hashes: { controlSha1: '0'.repeat(40), dataSha256: '0'.repeat(64) },
    controlEntries: control.map((c) => ({ ...toEntry({ ...c, noChecksum: true }), uname: 'root', gname: 'root' })),
    dataEntries: entries.map(toEntry),
  };
}
