/**
 * Writes tar headers with deterministic bytes. USTAR when every field fits,
 * otherwise a PAX extended header first (records sorted by key), which is the
 * choice Go's archive/tar makes. Nothing from the host (time, umask, owner
 * names) enters a header: callers pass every field.
 */
import type { TarEntryType } from './types';
import { compareBytes } from '../order';

const BLOCK = 512;

/** What a caller supplies for one entry; omitted fields are zero or empty. */
export interface TarHeaderInput {
  name: string;
  type: TarEntryType;
  mode: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  size?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** Extra PAX records, e.g. `APK-TOOLS.checksum.SHA1`. */
  pax?: Readonly<Record<string, string>>;
  /** A directory's name ends in `/` (default, as tar and melange write); image layers pass false, as apko writes. */
  dirSlash?: boolean;
}

const FLAGS: Record<TarEntryType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  dir: '5',
  fifo: '6',
};

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function fits(s: string, len: number): boolean {
  return Buffer.byteLength(s) <= len && /^[\x00-\x7f]*$/.test(s);
}

/** Splits a long path into ustar prefix and name, or returns undefined when it cannot. */
function splitUstarPath(path: string): [string, string] | undefined {
  if (fits(path, 100)) return ['', path];
  if (!/^[\x00-\x7f]*$/.test(path)) return undefined;
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return [prefix, name];
  }
  return undefined;
}

/**
 * A string cut to its field as Go's formatter cuts it: a cut that ends in `/`
 * loses its trailing slashes, so no reader takes a cut file name for a
 * directory (the full value is in a PAX record).
 */
function cut(s: string, width: number): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length <= width || bytes[width - 1] !== 0x2f) return bytes.subarray(0, width);
  let end = width - 1;
  while (end > 0 && bytes[end - 1] === 0x2f) end--;
  return bytes.subarray(0, end);
}

function block(fields: {
  name: string;
  prefix: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  flag: string;
  linkname: string;
  uname: string;
  gname: string;
  /** Absent for PAX header blocks, whose device fields Go leaves as NUL bytes. */
  devmajor?: number;
  devminor?: number;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  cut(fields.name, 100).copy(b, 0);
  b.write(octal(fields.mode, 8), 100, 'ascii');
  b.write(octal(fields.uid, 8), 108, 'ascii');
  b.write(octal(fields.gid, 8), 116, 'ascii');
  b.write(octal(fields.size, 12), 124, 'ascii');
  b.write(octal(fields.mtime, 12), 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(fields.flag, 156, 'ascii');
  cut(fields.linkname, 100).copy(b, 157);
  b.write('ustar\u000000', 257, 'binary');
  cut(fields.uname, 32).copy(b, 265);
  cut(fields.gname, 32).copy(b, 297);
  if (fields.devmajor !== undefined) b.write(octal(fields.devmajor, 8), 329, 'ascii');
  if (fields.devminor !== undefined) b.write(octal(fields.devminor, 8), 337, 'ascii');
  b.write(fields.prefix, 345, 155, 'utf8');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += b[i]!;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return b;
}

/** Encodes PAX records, sorted by key for stable bytes. */
export function encodePax(records: Readonly<Record<string, string>>): Buffer {
  const parts: Buffer[] = [];
  for (const key of Object.keys(records).sort(compareBytes)) {
    // Extended attribute values are bytes held one per character (see tar/read.ts); everything else is UTF-8.
    const value = Buffer.from(records[key]!, key.startsWith('SCHILY.xattr.') ? 'latin1' : 'utf8');
    const body = Buffer.concat([Buffer.from(` ${key}=`, 'utf8'), value, Buffer.from('\n')]);
    const bodyLen = body.length;
    let len = bodyLen + String(bodyLen).length;
    if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
    parts.push(Buffer.concat([Buffer.from(String(len), 'ascii'), body]));
  }
  return Buffer.concat(parts);
}

/** Zero padding that brings `size` bytes of content up to a whole block. */
export function padding(size: number): Buffer {
  const rem = size % BLOCK;
  return rem === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - rem);
}

/** The two zero blocks that end an archive. */
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

/**
 * The name of an entry's PAX header block as Go's archive/tar writes it (the
 * writer apko and melange use): `<dir>/PaxHeaders.0/<base>`, non-ASCII
 * characters dropped, cut to the 100-byte name field, trailing slashes
 * removed. With mode 0, mtime 0 and NUL device fields, the block is
 * byte-identical to theirs, so layer diff_ids and package bytes match.
 */
export function paxHeaderName(entryName: string): string {
  const cut = entryName.lastIndexOf('/') + 1;
  const [dir, base] = [entryName.slice(0, cut), entryName.slice(cut)];
  return ascii(goJoin(dir, 'PaxHeaders.0', base)).slice(0, 100).replace(/\/+$/, '');
}

/** A field's ASCII characters (NUL excluded), as Go's toASCII keeps them; block() cuts them to the field's width. */
function ascii(s: string): string {
  return s.replace(/[^\x01-\x7f]/gu, '');
}

/** Go's path.Join: the non-empty parts joined by slashes, then cleaned (`.` and `a/..` removed, a leading slash kept). */
function goJoin(...parts: string[]): string {
  const joined = parts.filter((p) => p !== '').join('/');
  const out: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg !== '..' || !joined.startsWith('/')) out.push(seg);
  }
  const cleaned = out.join('/');
  return joined.startsWith('/') ? `/${cleaned}` : cleaned || '.';
}

/** The header block(s) for one entry, with a PAX header first when a field needs it. */
export function encodeHeader(h: TarHeaderInput): Buffer {
  const size = h.type === 'file' ? (h.size ?? 0) : 0;
  const uid = h.uid ?? 0;
  const gid = h.gid ?? 0;
  const mtime = h.mtime ?? 0;
  const uname = h.uname ?? '';
  const gname = h.gname ?? '';
  const linkname = h.linkname ?? '';
  const name = h.type === 'dir' && h.dirSlash !== false && !h.name.endsWith('/') ? `${h.name}/` : h.name;
  const pax: Record<string, string> = { ...(h.pax ?? {}) };
  // Go's archive/tar (Header.allowedFormats): every field that does not fit gets a PAX record...
  if (!fits(name, 100)) pax.path = name;
  if (!fits(linkname, 100)) pax.linkpath = linkname;
  if (uid > MAX_OCTAL_7) pax.uid = String(uid);
  if (gid > MAX_OCTAL_7) pax.gid = String(gid);
  if (size > MAX_OCTAL_11) pax.size = String(size);
  if (mtime > MAX_OCTAL_11 || mtime < 0) pax.mtime = String(mtime);
  if (!fits(uname, 32)) pax.uname = uname;
  if (!fits(gname, 32)) pax.gname = gname;
  // ...and USTAR is used only when a long path is all that needs one and it splits into prefix and name.
  const split = Object.keys(pax).every((k) => k === 'path') ? splitUstarPath(name) : undefined;
  if (split) delete pax.path;
  // In a PAX entry the main header keeps the ASCII characters of each field, cut to fit.
  const [prefix, base] = split ?? ['', ascii(name)];
  const main = block({
    name: base,
    prefix,
    mode: h.mode & 0o7777,
    uid: uid > MAX_OCTAL_7 ? 0 : uid,
    gid: gid > MAX_OCTAL_7 ? 0 : gid,
    size: size > MAX_OCTAL_11 ? 0 : size,
    mtime: mtime > MAX_OCTAL_11 || mtime < 0 ? 0 : mtime,
    flag: FLAGS[h.type],
    linkname: ascii(linkname),
    uname: ascii(uname),
    gname: ascii(gname),
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
  });
  if (Object.keys(pax).length === 0) return main;
  const records = encodePax(pax);
  const paxHeader = block({
    name: paxHeaderName(name),
    prefix: '',
    mode: 0,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: 0,
    flag: 'x',
    linkname: '',
    uname: '',
    gname: '',
  });
  return Buffer.concat([paxHeader, records, padding(records.length), main]);
}

/** A whole in-memory archive; `end: false` omits the end-of-archive blocks (APK control sections). */
export function writeTar(entries: readonly (TarHeaderInput & { data?: Uint8Array })[], opts: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.type === 'file' ? Buffer.from(e.data ?? new Uint8Array()) : Buffer.alloc(0);
    parts.push(encodeHeader({ ...e, size: data.length }), data, padding(data.length));
  }
  if (opts.end !== false) parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}
