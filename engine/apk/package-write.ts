/**
 * Writes an APK v2 package as melange does: data member first (its sha256 is
 * the `.PKGINFO` datahash), then the control member, then an optional
 * signature member over the control member's bytes; the file is signature ‖
 * control ‖ data. The same input gives the same bytes: entries keep the
 * caller's order (sort with `sortForPackage`), every time is the source date
 * epoch, and gzip runs at one fixed level.
 */
import { sha1Hex, sha256Hex } from '../digest';
import { FormatError } from '../errors';
import { normalizeTarName, XATTR_PAX_PREFIX } from '../tar/read';
import { APK_SHA1_PAX } from '../tar/types';
import { writeTar, type TarHeaderInput } from '../tar/write';
import { gzipMember } from './gzip-members';
import { readLeadingSections } from './package-read';
import { formatPkgInfo } from './pkginfo';
import { assertSafeEntryName, assertSafeHardlink } from './safe-path';
import { signatureName, signBytes, type SignatureAlgorithm } from './signature';
import type { PkgInfo } from './types';

/** Install scripts in the order they are written to the control section. */
export const INSTALL_SCRIPTS = [
  '.pre-install',
  '.post-install',
  '.pre-upgrade',
  '.post-upgrade',
  '.pre-deinstall',
  '.post-deinstall',
  '.trigger',
] as const;

/** One entry of the data section. */
export interface ApkFileInput {
  /** Relative path, e.g. `usr/bin/hello` (a leading `./` is dropped). */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** Permission bits, e.g. 0o755. */
  mode: number;
  uid?: number;
  gid?: number;
  /** Defaults to `root` when the id is 0, else empty. */
  uname?: string;
  gname?: string;
  /** Content of a regular file. */
  data?: Buffer | string;
  /** Target of a symlink (anything) or hardlink (a path in this package). */
  linkname?: string;
  /** Extended attributes of a file or directory (e.g. `security.capability`), values one byte per character. */
  xattrs?: Readonly<Record<string, string>>;
}

/** A private key and the public key file name its signatures carry, e.g. `melange.rsa.pub`. */
export interface SigningKey {
  privateKeyPem: string;
  keyName: string;
}

/** What `writeApk` needs; `size` defaults to the sum of regular file sizes. */
export interface WriteApkInput {
  pkginfo: Omit<PkgInfo, 'datahash' | 'size'> & { size?: number };
  /** Written in this order; callers sort (see `sortForPackage`). */
  files: readonly ApkFileInput[];
  /** Install scripts by name, with or without the leading dot (`post-install` or `.post-install`). */
  scripts?: Readonly<Record<string, Buffer | string>>;
  /** Further control entries, e.g. `.melange.yaml` at 0644, written after `.PKGINFO`. */
  extraControl?: readonly { name: string; data: Buffer | string; mode: number }[];
  signingKey?: SigningKey;
  /** Default RSA256 (SHA-256), as melange signs. */
  algorithm?: SignatureAlgorithm;
  /** Seconds; every mtime. Default 0. */
  sourceDateEpoch?: number;
}

const ROOT = { uid: 0, gid: 0, uname: 'root', gname: 'root' };

/** Orders entries as a depth-first walk with names compared by bytes, so every parent precedes its children. */
export function sortForPackage<T extends { path: string }>(files: readonly T[]): T[] {
  const keyed = files.map((f) => ({ f, parts: normalizeTarName(f.path).split('/').map((p) => Buffer.from(p, 'utf8')) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < Math.min(a.parts.length, b.parts.length); i++) {
      const c = Buffer.compare(a.parts[i]!, b.parts[i]!);
      if (c !== 0) return c;
    }
    return a.parts.length - b.parts.length;
  });
  return keyed.map((k) => k.f);
}

function dataEntry(f: ApkFileInput, mtime: number, pkg: string): TarHeaderInput & { data?: Buffer } {
  assertSafeEntryName(f.path, pkg);
  const name = normalizeTarName(f.path);
  const uid = f.uid ?? 0;
  const gid = f.gid ?? 0;
  const base = { name, type: f.type, mode: f.mode, uid, gid, mtime };
  const owner = { uname: f.uname ?? (uid === 0 ? 'root' : ''), gname: f.gname ?? (gid === 0 ? 'root' : '') };
  const xattrs = Object.fromEntries(Object.entries(f.xattrs ?? {}).map(([k, v]) => [`${XATTR_PAX_PREFIX}${k}`, v]));
  if (f.type === 'file') {
    const data = Buffer.from(f.data ?? '');
    return { ...base, ...owner, data, pax: { ...xattrs, [APK_SHA1_PAX]: sha1Hex(data) } };
  }
  if (f.type === 'dir') return Object.keys(xattrs).length > 0 ? { ...base, ...owner, pax: xattrs } : { ...base, ...owner };
  if (f.linkname === undefined || f.linkname === '') {
    throw new FormatError(`${pkg}: ${f.type} ${name} has no target`, { hint: 'give every link a linkname' });
  }
  if (f.type === 'hardlink') {
    assertSafeHardlink(name, f.linkname, pkg);
    return { ...base, ...owner, linkname: normalizeTarName(f.linkname) };
  }
  // apk-tools records a symlink's checksum as the sha1 of its target.
  return { ...base, ...owner, linkname: f.linkname, pax: { [APK_SHA1_PAX]: sha1Hex(f.linkname) } };
}

function scriptEntries(scripts: Readonly<Record<string, Buffer | string>>, pkg: string): { name: string; data: Buffer }[] {
  const byName = new Map<string, Buffer>();
  for (const [key, data] of Object.entries(scripts)) {
    const name = key.startsWith('.') ? key : `.${key}`;
    if (!(INSTALL_SCRIPTS as readonly string[]).includes(name)) {
      throw new FormatError(`${pkg}: "${key}" is not an install script name`, { hint: `use one of ${INSTALL_SCRIPTS.join(', ')}` });
    }
    byName.set(name, Buffer.from(data));
  }
  // A fixed order, never the order of the caller's object keys.
  return INSTALL_SCRIPTS.filter((n) => byName.has(n)).map((name) => ({ name, data: byName.get(name)! }));
}

/** The signature member: one `.SIGN.<alg>.<key>` entry, no end-of-archive blocks. */
function signatureMember(control: Buffer, key: SigningKey, algorithm: SignatureAlgorithm, mtime: number): Buffer {
  const signature = signBytes(control, key.privateKeyPem, algorithm);
  const entry = { name: signatureName(algorithm, key.keyName), type: 'file' as const, mode: 0o644, ...ROOT, mtime, data: signature };
  return gzipMember(writeTar([entry], { end: false }));
}

/** Builds a package's bytes, deterministically. */
export function writeApk(input: WriteApkInput): Buffer {
  const pkg = `${input.pkginfo.pkgname}-${input.pkginfo.pkgver}`;
  const mtime = input.sourceDateEpoch ?? 0;
  const entries = input.files.map((f) => dataEntry(f, mtime, pkg));
  const data = gzipMember(writeTar(entries));
  const size = input.pkginfo.size ?? entries.reduce((n, e) => n + (e.data?.length ?? 0), 0);
  const pkginfo: PkgInfo = { ...input.pkginfo, size, datahash: sha256Hex(data) };

  const control: (TarHeaderInput & { data: Buffer })[] = [
    { name: '.PKGINFO', type: 'file', mode: 0o644, ...ROOT, mtime, data: Buffer.from(formatPkgInfo(pkginfo)) },
  ];
  for (const e of input.extraControl ?? []) {
    assertSafeEntryName(e.name, pkg);
    if (e.name === '.PKGINFO' || e.name.startsWith('.SIGN.')) {
      throw new FormatError(`${pkg}: extra control entry "${e.name}" would clash with one the writer makes`);
    }
    control.push({ name: e.name, type: 'file', mode: e.mode, ...ROOT, mtime, data: Buffer.from(e.data) });
  }
  for (const s of scriptEntries(input.scripts ?? {}, pkg)) control.push({ ...s, type: 'file', mode: 0o755, ...ROOT, mtime });
  // apk-tools reads the control tar up to the data member, so it carries no end-of-archive blocks.
  const controlMember = gzipMember(writeTar(control, { end: false }));

  const parts = [controlMember, data];
  if (input.signingKey) parts.unshift(signatureMember(controlMember, input.signingKey, input.algorithm ?? 'RSA256', mtime));
  return Buffer.concat(parts);
}

/** Signs an existing package, replacing any signature member; the signature's mtime is that of `.PKGINFO`. */
export function signApk(bytes: Buffer, key: SigningKey, algorithm: SignatureAlgorithm = 'RSA256'): Buffer {
  const { control } = readLeadingSections(bytes, 'package');
  const pkginfo = control.entries.find((e) => e.name === '.PKGINFO');
  if (!pkginfo) throw new FormatError('package: the control section has no .PKGINFO', { hint: 'only packages can be signed this way' });
  const signature = signatureMember(control.member.raw, key, algorithm, pkginfo.mtime);
  return Buffer.concat([signature, bytes.subarray(control.member.start)]);
}
