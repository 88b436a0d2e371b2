/**
 * Hostile bytes for the battery: tar archives, APK packages and signed
 * repositories written field by field, so a case can make exactly the input
 * the engine's own writers refuse to make (names as raw bytes, `..`, a
 * missing datahash, an index that lies about its package, a declared size
 * that is not the real one). Test support only: the engine never imports it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { gzipMember } from '../../../engine/apk/gzip-members';
import { writeApkIndex } from '../../../engine/apk/index-write';
import type { KeyPair } from '../../../engine/apk/keys';
import { signatureName, signBytes } from '../../../engine/apk/signature';
import type { IndexEntry } from '../../../engine/apk/types';
import { encodePax, END_OF_ARCHIVE, padding } from '../../../engine/tar/write';

const BLOCK = 512;

/** Tar type flags by name; any other one-character string is written as given. */
const FLAGS: Record<string, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

/** One tar entry, every field under the case's control. */
export interface RawEntry {
  /** The name exactly as written (a Buffer for bytes that are not UTF-8); longer than 100 bytes goes into a PAX `path` record. */
  name: string | Buffer;
  /** `file`, `dir`, `symlink`, `hardlink`, `char`, `block`, `fifo`, or a raw flag such as `x`. Default `file`. */
  type?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  mtime?: number;
  data?: Buffer | string;
  linkname?: string | Buffer;
  devmajor?: number;
  devminor?: number;
  /** The size field, when it must differ from the data's length. */
  declaredSize?: number;
  /** Extra PAX records (written raw, so `uid=abc` is possible). */
  pax?: Record<string, string>;
  /** Leave out the `APK-TOOLS.checksum.SHA1` record a regular file gets by default. */
  noSha1?: boolean;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(f: { name: Buffer; flag: string; mode: number; uid: number; gid: number; size: number; mtime: number; linkname: Buffer; uname: string; gname: string; devmajor: number; devminor: number }): Buffer {
  const b = Buffer.alloc(BLOCK);
  f.name.copy(b, 0, 0, Math.min(100, f.name.length));
  b.write(octal(f.mode, 8), 100, 'ascii');
  b.write(octal(f.uid, 8), 108, 'ascii');
  b.write(octal(f.gid, 8), 116, 'ascii');
  b.write(octal(f.size, 12), 124, 'ascii');
  b.write(octal(f.mtime, 12), 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(f.flag, 156, 'ascii');
  f.linkname.copy(b, 157, 0, Math.min(100, f.linkname.length));
  b.write('ustar\u000000', 257, 'binary');
  b.write(f.uname, 265, 32, 'utf8');
  b.write(f.gname, 297, 32, 'utf8');
  b.write(octal(f.devmajor, 8), 329, 'ascii');
  b.write(octal(f.devminor, 8), 337, 'ascii');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return b;
}

/** The header block(s) and content of one raw entry. */
export function rawEntryBytes(e: RawEntry): Buffer {
  const type = e.type ?? 'file';
  const flag = FLAGS[type] ?? type;
  const data = Buffer.from(e.data ?? '');
  const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
  const linkname = Buffer.isBuffer(e.linkname) ? e.linkname : Buffer.from(e.linkname ?? '', 'utf8');
  const pax: Record<string, string> = { ...(e.pax ?? {}) };
  if (flag === '0' && !e.noSha1) pax['APK-TOOLS.checksum.SHA1'] ??= createHash('sha1').update(data).digest('hex');
  if (flag === '2' && !e.noSha1) pax['APK-TOOLS.checksum.SHA1'] ??= createHash('sha1').update(linkname).digest('hex');
  if (name.length > 100) pax.path = name.toString('latin1');
  if (linkname.length > 100) pax.linkpath = linkname.toString('latin1');
  const main = header({
    name,
    flag,
    mode: e.mode ?? (flag === '5' ? 0o755 : 0o644),
    uid: e.uid ?? 0,
    gid: e.gid ?? 0,
    size: e.declaredSize ?? (flag === '0' ? data.length : 0),
    mtime: e.mtime ?? 0,
    linkname,
    uname: e.uname ?? 'root',
    gname: e.gname ?? 'root',
    devmajor: e.devmajor ?? 0,
    devminor: e.devminor ?? 0,
  });
  const parts: Buffer[] = [];
  if (Object.keys(pax).length > 0) {
    const records = encodePaxRaw(pax);
    parts.push(header({ name: Buffer.from('PaxHeaders.0/entry'), flag: 'x', mode: 0o644, uid: 0, gid: 0, size: records.length, mtime: 0, linkname: Buffer.alloc(0), uname: '', gname: '', devmajor: 0, devminor: 0 }));
    parts.push(records, padding(records.length));
  }
  parts.push(main, data, padding(data.length));
  return Buffer.concat(parts);
}

/** PAX records whose values may be raw bytes held in latin1 strings (names that are not UTF-8). */
function encodePaxRaw(records: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    if (/^[\x00-\x7f]*$/.test(value) || !/[\x80-\xff]/.test(value)) {
      parts.push(encodePax({ [key]: value }));
      continue;
    }
    const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(value, 'latin1'), Buffer.from('\n')]);
    let len = body.length + String(body.length).length;
    if (String(len).length !== String(body.length).length) len = body.length + String(len).length;
    parts.push(Buffer.concat([Buffer.from(String(len)), body]));
  }
  return Buffer.concat(parts);
}

/** A tar archive of raw entries; `end: false` leaves out the end-of-archive blocks (APK control members). */
export function forgeTar(entries: readonly RawEntry[], opts: { end?: boolean } = {}): Buffer {
  const parts = entries.map(rawEntryBytes);
  if (opts.end !== false) parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

/** What a forged package is made of. */
export interface ForgeApkInput {
  name: string;
  version?: string;
  arch?: string;
  depends?: string[];
  provides?: string[];
  /** Further `.PKGINFO` lines, written as given. */
  pkginfoLines?: string[];
  /** The whole `.PKGINFO`, instead of the one made from the fields. */
  pkginfoText?: string;
  /** Data entries (a tar with end blocks is made of them, then one gzip member). */
  entries?: RawEntry[];
  /** The data member's exact bytes, instead of one made from `entries`. */
  dataMember?: Buffer;
  /** `auto` (default): the data member's sha256; `omit`: no datahash line; or a given hex value. */
  datahash?: 'auto' | 'omit' | string;
  /** Further control entries after `.PKGINFO` (scripts, `.PKGINFO` twice, …). */
  controlEntries?: RawEntry[];
  /** The control member's exact bytes (ignores the fields above). */
  controlMember?: Buffer;
  /** Who signs: a key (default: the battery's), `none`, or a key with another name on the signature. */
  sign?: KeyPair | 'none' | { key: KeyPair; as: string };
  /** Signed bytes other than the control member (a signature over something else). */
  signOver?: Buffer;
}

/** A forged package and the facts an index needs. */
export interface ForgedApk {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly bytes: Buffer;
  readonly control: Buffer;
  readonly data: Buffer;
  /** `Q1` + base64(sha1(control member)), as `C:`. */
  readonly checksum: string;
  readonly depends: string[];
  readonly provides: string[];
  readonly installedSize: number;
}

/** A gzip member of `content` at the engine's fixed level. */
export const gzip = (content: Buffer): Buffer => gzipMember(content);

/** A gzip member of `size` zero bytes, made in one pass (bombs). */
export function zeroBomb(size: number): Buffer {
  return gzipSync(Buffer.alloc(size), { level: 9 });
}

/** Builds a package from raw parts; every default gives a package that installs. */
export function forgeApk(input: ForgeApkInput, defaultKey: KeyPair): ForgedApk {
  const version = input.version ?? '1.0.0-r0';
  const arch = input.arch ?? 'x86_64';
  const entries = input.entries ?? [];
  const data = input.dataMember ?? gzip(forgeTar(entries));
  const installedSize = entries.reduce((n, e) => n + Buffer.from(e.data ?? '').length, 0);
  const depends = input.depends ?? [];
  const provides = input.provides ?? [];
  const datahash = input.datahash ?? 'auto';
  const lines = [
    '# Generated by the hostile battery',
    `pkgname = ${input.name}`,
    `pkgver = ${version}`,
    `arch = ${arch}`,
    `size = ${installedSize}`,
    'pkgdesc = hostile',
    'license = MIT',
    `origin = ${input.name}`,
    ...depends.map((d) => `depend = ${d}`),
    ...provides.map((p) => `provides = ${p}`),
    ...(input.pkginfoLines ?? []),
    ...(datahash === 'omit' ? [] : [`datahash = ${datahash === 'auto' ? createHash('sha256').update(data).digest('hex') : datahash}`]),
  ];
  const pkginfo = input.pkginfoText ?? `${lines.join('\n')}\n`;
  const control =
    input.controlMember ?? gzip(forgeTar([{ name: '.PKGINFO', data: pkginfo, noSha1: true }, ...(input.controlEntries ?? [])], { end: false }));
  const parts = [control, data];
  const sign = input.sign ?? defaultKey;
  if (sign !== 'none') {
    const key = 'key' in sign && 'as' in sign ? sign.key : sign;
    const keyName = 'as' in sign ? sign.as : sign.publicKeyName;
    const signature = signBytes(input.signOver ?? control, key.privateKeyPem, 'RSA256');
    parts.unshift(gzip(forgeTar([{ name: signatureName('RSA256', keyName), data: signature, noSha1: true }], { end: false })));
  }
  const checksum = `Q1${createHash('sha1').update(control).digest('base64')}`;
  return { name: input.name, version, arch, bytes: Buffer.concat(parts), control, data, checksum, depends, provides, installedSize };
}

/** The index entry that describes a forged package honestly; `override` makes it lie. */
export function indexEntryFor(apk: ForgedApk, override: Partial<IndexEntry> = {}): IndexEntry {
  return {
    name: apk.name,
    version: apk.version,
    arch: apk.arch,
    size: apk.bytes.length,
    installedSize: apk.installedSize,
    description: 'hostile',
    url: '',
    license: 'MIT',
    origin: apk.name,
    depends: apk.depends,
    provides: apk.provides,
    installIf: [],
    replaces: [],
    checksum: apk.checksum,
    ...override,
  };
}

/** One package in a forged repository: its bytes, the file name it is served as, and how the index describes it. */
export interface RepoPackage {
  apk: ForgedApk;
  /** Default `<name>-<version>.apk`. */
  fileName?: string;
  index?: Partial<IndexEntry>;
  /** Left out of the index (a file the index does not mention). */
  unindexed?: boolean;
}

/** An index of `entries` as raw parts: the unsigned index member and a signature member over any bytes, by any key and name. */
export function forgeIndex(entries: readonly IndexEntry[], opts: { sign?: KeyPair | 'none'; as?: string; signOver?: Buffer } = {}): { index: Buffer; signature?: Buffer; bytes: Buffer } {
  const index = writeApkIndex(entries, { description: 'hostile' });
  if (opts.sign === undefined || opts.sign === 'none') return { index, bytes: index };
  const signed = signBytes(opts.signOver ?? index, opts.sign.privateKeyPem, 'RSA256');
  const signature = gzip(forgeTar([{ name: signatureName('RSA256', opts.as ?? opts.sign.publicKeyName), data: signed, noSha1: true }], { end: false }));
  return { index, signature, bytes: Buffer.concat([signature, index]) };
}

/** The index entries a forged repository lists for `packages`. */
export function repositoryEntries(packages: readonly RepoPackage[], extra: readonly IndexEntry[] = []): IndexEntry[] {
  return [...packages.filter((p) => !p.unindexed).map((p) => indexEntryFor(p.apk, p.index)), ...extra];
}

/** Writes `<dir>/<arch>/*.apk` and a signed `APKINDEX.tar.gz` (or the given raw index bytes); returns `dir`. */
export function forgeRepository(
  dir: string,
  packages: readonly RepoPackage[],
  opts: { key: KeyPair; arch?: string; rawIndex?: Buffer; extraEntries?: IndexEntry[] },
): string {
  const arch = opts.arch ?? 'x86_64';
  const archDir = join(dir, arch);
  mkdirSync(archDir, { recursive: true });
  for (const p of packages) writeFileSync(join(archDir, p.fileName ?? `${p.apk.name}-${p.apk.version}.apk`), p.apk.bytes);
  const index = opts.rawIndex ?? forgeIndex(repositoryEntries(packages, opts.extraEntries), { sign: opts.key }).bytes;
  writeFileSync(join(archDir, 'APKINDEX.tar.gz'), index);
  return dir;
}
