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
  devmajor: number;
  devminor: number;
}): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(fields.name, 0, 100, 'utf8');
  b.write(octal(fields.mode, 8), 100, 'ascii');
  b.write(octal(fields.uid, 8), 108, 'ascii');
  b.write(octal(fields.gid, 8), 116, 'ascii');
  b.write(octal(fields.size, 12), 124, 'ascii');
  b.write(octal(fields.mtime, 12), 136, 'ascii');
  b.write('        ', 148, 'ascii');
  b.write(fields.flag, 156, 'ascii');
  b.write(fields.linkname, 157, 100, 'utf8');
  b.write('ustar\u000000', 257, 'binary');
  b.write(fields.uname, 265, 32, 'utf8');
  b.write(fields.gname, 297, 32, 'utf8');
  b.write(octal(fields.devmajor, 8), 329, 'ascii');
  b.write(octal(fields.devminor, 8), 337, 'ascii');
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
  const split = splitUstarPath(name);
  if (!split) pax.path = name;
  if (!fits(linkname, 100)) pax.linkpath = linkname;
  if (uid > MAX_OCTAL_7) pax.uid = String(uid);
  if (gid > MAX_OCTAL_7) pax.gid = String(gid);
  if (size > MAX_OCTAL_11) pax.size = String(size);
  if (mtime > MAX_OCTAL_11 || mtime < 0) pax.mtime = String(mtime);
  if (!fits(uname, 32)) pax.uname = uname;
  if (!fits(gname, 32)) pax.gname = gname;
  const [prefix, base] = split ?? ['', name.slice(0, 100)];
  const main = block({
    name: base,
    prefix,
    mode: h.mode & 0o7777,
    uid: uid > MAX_OCTAL_7 ? 0 : uid,
    gid: gid > MAX_OCTAL_7 ? 0 : gid,
    size: size > MAX_OCTAL_11 ? 0 : size,
    mtime: mtime > MAX_OCTAL_11 || mtime < 0 ? 0 : mtime,
    flag: FLAGS[h.type],
    linkname: pax.linkpath ? '' : linkname,
    uname: pax.uname ? '' : uname,
    gname: pax.gname ? '' : gname,
    devmajor: h.devmajor ?? 0,
    devminor: h.devminor ?? 0,
  });
  if (Object.keys(pax).length === 0) return main;
  const records = encodePax(pax);
  const paxName = `PaxHeaders.0/${(name.replace(/\/$/, '').split('/').pop() ?? '').slice(0, 80)}`;
  const paxHeader = block({
    name: paxName.slice(0, 100),
    prefix: '',
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: records.length,
    mtime: mtime > MAX_OCTAL_11 || mtime < 0 ? 0 : mtime,
    flag: 'x',
    linkname: '',
    uname: '',
    gname: '',
    devmajor: 0,
    devminor: 0,
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
