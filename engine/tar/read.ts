/**
 * Reads a tar archive held in memory: ustar, PAX (local and global) and GNU
 * long names. Archives without end-of-archive blocks (APK signature and
 * control sections) are read to the end of the buffer.
 *
 * Hostile archives are refused with a FormatError that names the archive and
 * the entry (escaped, see names.ts): names and link targets that are not
 * UTF-8, numeric fields (octal, base-256 or PAX decimal) that are not
 * numbers or do not fit, ids outside the range a uid_t holds, and entry
 * types this reader does not know.
 */
import { FormatError } from '../errors';
import { decodeUtf8, escapeName } from './names';
import type { TarEntry, TarEntryType } from './types';

const BLOCK = 512;

/** The largest uid or gid a Linux uid_t holds; 2^32-1 is the "no id" value (-1). */
export const MAX_TAR_ID = 2 ** 32 - 2;

const HINT = 'the archive is corrupt or hostile; do not use it, and tell whoever made it';

const TYPES: Record<string, TarEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file',
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};

/** PAX records that hold names, decoded strictly so that different bytes never become one name. */
const NAME_RECORDS = new Set(['path', 'linkpath', 'uname', 'gname']);

/**
 * Extended attributes are bytes, not text (a `security.capability` value is
 * a binary struct): their values are held one character per byte (latin1),
 * and tar/write.ts writes them back the same way, so they survive exactly.
 */
export const XATTR_PAX_PREFIX = 'SCHILY.xattr.';

function field(buf: Buffer, start: number, len: number): Buffer {
  const f = buf.subarray(start, start + len);
  const nul = f.indexOf(0);
  return f.subarray(0, nul < 0 ? len : nul);
}

function cstring(buf: Buffer, start: number, len: number): string {
  return field(buf, start, len).toString('utf8');
}

/** A name's bytes as text; bytes that are not UTF-8 are refused. */
function nameText(bytes: Buffer, what: string, subject: string): string {
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    throw new FormatError(`${subject}: tar ${what} "${escapeName(bytes)}" is not valid UTF-8`, {
      file: subject,
      hint: 'names that are not UTF-8 cannot be kept apart (two of them would become one file); rebuild the archive with UTF-8 names',
    });
  }
  return text;
}

/** Octal (or GNU base-256) numeric field. */
function numeric(buf: Buffer, start: number, len: number, subject: string, what: string, pos: number): number {
  const first = buf[start]!;
  if (first & 0x80) {
    // Base-256; a set sign bit (0xff…) is a negative number, which no field here may hold.
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + buf[start + i]!;
    if ((first & 0x40) !== 0 || !Number.isSafeInteger(v)) {
      throw new FormatError(`${subject}: the tar header at byte ${pos} has a base-256 ${what} field that is negative or too large`, { file: subject, hint: HINT });
    }
    return v;
  }
  const s = cstring(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new FormatError(`${subject}: the tar header at byte ${pos} has a bad ${what} field "${escapeName(s)}" (not an octal number)`, { file: subject, hint: HINT });
  }
  return parseInt(s, 8);
}

/** Parses PAX records `"<len> <key>=<value>\n"`. */
export function parsePax(data: Buffer, subject: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const lenText = data.subarray(pos, sp).toString('ascii');
    const len = /^\d+$/.test(lenText) ? Number(lenText) : NaN;
    if (!Number.isSafeInteger(len) || len <= sp - pos + 1 || pos + len > data.length) {
      throw new FormatError(`${subject}: malformed PAX record at byte ${pos}`, { file: subject, hint: HINT });
    }
    const record = data.subarray(sp + 1, pos + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq > 0) {
      const key = record.subarray(0, eq).toString('utf8');
      const value = record.subarray(eq + 1);
      out[key] = NAME_RECORDS.has(key) ? nameText(value, `PAX ${key}`, subject) : key.startsWith(XATTR_PAX_PREFIX) ? value.toString('latin1') : value.toString('utf8');
    }
    pos += len;
  }
  return out;
}

function isZeroBlock(buf: Buffer, pos: number): boolean {
  for (let i = pos; i < pos + BLOCK; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Removes `./` and `/` prefixes and a trailing `/`, so names compare as apk-tools compares them. */
export function normalizeTarName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  while (n.startsWith('/')) n = n.slice(1);
  while (n.endsWith('/')) n = n.slice(0, -1);
  return n === '.' ? '' : n;
}

/** A PAX decimal record (uid, gid, size, mtime) checked for what it must be. */
function paxNumber(pax: Record<string, string>, key: string, fallback: number, entry: string, subject: string): number {
  const raw = pax[key];
  if (raw === undefined) return fallback;
  const pattern = key === 'mtime' ? /^-?\d+(\.\d+)?$/ : /^\d+$/;
  const value = pattern.test(raw) ? Number(raw) : NaN;
  if (!Number.isFinite(value) || !Number.isSafeInteger(Math.floor(value))) {
    throw new FormatError(`${subject}: tar entry "${escapeName(entry)}" has a PAX ${key} of "${escapeName(raw)}", which is not ${key === 'mtime' ? 'a time in seconds' : 'a whole number'}`, {
      file: subject,
      hint: HINT,
    });
  }
  return value;
}

function checkId(value: number, what: string, entry: string, subject: string): number {
  if (value > MAX_TAR_ID) {
    throw new FormatError(`${subject}: tar entry "${escapeName(entry)}" has ${what} ${value}, larger than any Linux id (${MAX_TAR_ID})`, { file: subject, hint: HINT });
  }
  return value;
}

/** An entry with its name and link target exactly as the archive stores them (long names applied, nothing normalized). */
export interface RawTarEntry {
  readonly entry: TarEntry;
  readonly rawName: string;
  readonly rawLink: string;
  /** The ustar type flag, e.g. `0`, `1` (hardlink), `2` (symlink), `5` (dir). */
  readonly flag: string;
}

/** Reads every entry of an in-memory tar archive. */
export function readTar(buf: Buffer, subject = 'tar archive'): TarEntry[] {
  return readTarRaw(buf, subject).map((r) => r.entry);
}

/** Reads every entry of an in-memory tar archive, keeping the names as stored (for checks that must see `/` and `./`). */
export function readTarRaw(buf: Buffer, subject = 'tar archive'): RawTarEntry[] {
  const entries: RawTarEntry[] = [];
  let pos = 0;
  let globalPax: Record<string, string> = {};
  let localPax: Record<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + BLOCK <= buf.length) {
    if (isZeroBlock(buf, pos)) break;
    const stored = numeric(buf, pos + 148, 8, subject, 'checksum', pos);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : buf[pos + i]!;
    if (sum !== stored) throw new FormatError(`${subject}: tar header checksum mismatch at byte ${pos}`, { file: subject, hint: HINT });
    const flag = String.fromCharCode(buf[pos + 156]!);
    const isEntry = !['x', 'g', 'L', 'K'].includes(flag);
    const pax = { ...globalPax, ...(localPax ?? {}) };
    const headerSize = numeric(buf, pos + 124, 12, subject, 'size', pos);
    // A PAX size replaces the header's (POSIX): it says how much content follows.
    const size = isEntry ? paxNumber(pax, 'size', headerSize, cstring(buf, pos, 100), subject) : headerSize;
    const dataStart = pos + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw new FormatError(`${subject}: tar entry at byte ${pos} is truncated`, { file: subject, hint: HINT });
    const data = buf.subarray(dataStart, dataEnd);
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x') {
      localPax = parsePax(data, subject);
    } else if (flag === 'g') {
      globalPax = { ...globalPax, ...parsePax(data, subject) };
    } else if (flag === 'L') {
      longName = nameText(field(data, 0, data.length), 'long name', subject);
    } else if (flag === 'K') {
      longLink = nameText(field(data, 0, data.length), 'long link name', subject);
    } else {
      const magic = cstring(buf, pos + 257, 6);
      const prefix = magic === 'ustar' ? nameText(field(buf, pos + 345, 155), 'name prefix', subject) : '';
      const rawName = pax.path ?? longName ?? ((base: string) => (prefix ? `${prefix}/${base}` : base))(nameText(field(buf, pos, 100), 'entry name', subject));
      const type = TYPES[flag];
      if (!type) {
        throw new FormatError(`${subject}: tar entry "${escapeName(rawName)}" has type "${escapeName(flag)}", which this reader does not know`, {
          file: subject,
          hint: 'only files, directories, links, devices and fifos can be read; rebuild the archive without it',
        });
      }
      const extra: Record<string, string> = {};
      for (const [k, v] of Object.entries(pax)) {
        if (!['path', 'linkpath', 'size', 'uid', 'gid', 'uname', 'gname', 'mtime', 'atime', 'ctime'].includes(k)) extra[k] = v;
      }
      const linkRaw = pax.linkpath ?? longLink ?? nameText(field(buf, pos + 157, 100), 'link name', subject);
      const entry: TarEntry = {
        name: normalizeTarName(rawName),
        type,
        mode: numeric(buf, pos + 100, 8, subject, 'mode', pos) & 0o7777,
        uid: checkId(paxNumber(pax, 'uid', numeric(buf, pos + 108, 8, subject, 'uid', pos), rawName, subject), 'uid', rawName, subject),
        gid: checkId(paxNumber(pax, 'gid', numeric(buf, pos + 116, 8, subject, 'gid', pos), rawName, subject), 'gid', rawName, subject),
        uname: pax.uname ?? cstring(buf, pos + 265, 32),
        gname: pax.gname ?? cstring(buf, pos + 297, 32),
        size: type === 'file' ? size : 0,
        mtime: Math.floor(paxNumber(pax, 'mtime', numeric(buf, pos + 136, 12, subject, 'mtime', pos), rawName, subject)),
        linkname: type === 'hardlink' ? normalizeTarName(linkRaw) : linkRaw,
        devmajor: magic === 'ustar' ? numeric(buf, pos + 329, 8, subject, 'devmajor', pos) : 0,
        devminor: magic === 'ustar' ? numeric(buf, pos + 337, 8, subject, 'devminor', pos) : 0,
        pax: extra,
        data: type === 'file' ? Buffer.from(data) : Buffer.alloc(0),
      };
      entries.push({ entry, rawName, rawLink: linkRaw, flag });
      localPax = undefined;
      longName = undefined;
      longLink = undefined;
    }
    pos = next;
  }
  return entries;
}
