/**
 * Reads a tar archive held in memory: ustar, PAX (local and global) and GNU
 * long names. Archives without end-of-archive blocks (APK signature and
 * control sections) are read to the end of the buffer.
 */
import { FormatError } from '../errors';
import type { TarEntry, TarEntryType } from './types';

const BLOCK = 512;

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

function cstring(buf: Buffer, start: number, len: number): string {
  const field = buf.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul < 0 ? len : nul).toString('utf8');
}

/** Octal (or GNU base-256) numeric field. */
function numeric(buf: Buffer, start: number, len: number, subject: string): number {
  const first = buf[start]!;
  if (first & 0x80) {
    let v = first & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + buf[start + i]!;
    return v;
  }
  const s = cstring(buf, start, len).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new FormatError(`${subject}: bad numeric tar header field "${s}"`, { file: subject });
  return parseInt(s, 8);
}

/** Parses PAX records `"<len> <key>=<value>\n"`. */
export function parsePax(data: Buffer, subject: string): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.subarray(pos, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) {
      throw new FormatError(`${subject}: malformed PAX record at byte ${pos}`, { file: subject });
    }
    const record = data.subarray(sp + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
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

/** Reads every entry of an in-memory tar archive. */
export function readTar(buf: Buffer, subject = 'tar archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  let pos = 0;
  let globalPax: Record<string, string> = {};
  let localPax: Record<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  while (pos + BLOCK <= buf.length) {
    if (isZeroBlock(buf, pos)) break;
    const stored = numeric(buf, pos + 148, 8, subject);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : buf[pos + i]!;
    if (sum !== stored) throw new FormatError(`${subject}: tar header checksum mismatch at byte ${pos}`, { file: subject });
    const flag = String.fromCharCode(buf[pos + 156]!);
    const size = numeric(buf, pos + 124, 12, subject);
    const dataStart = pos + BLOCK;
    const dataEnd = dataStart + size;
    if (dataEnd > buf.length) throw new FormatError(`${subject}: tar entry at byte ${pos} is truncated`, { file: subject });
    const data = buf.subarray(dataStart, dataEnd);
    const next = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x') {
      localPax = parsePax(data, subject);
    } else if (flag === 'g') {
      globalPax = { ...globalPax, ...parsePax(data, subject) };
    } else if (flag === 'L') {
      longName = cstring(data, 0, data.length);
    } else if (flag === 'K') {
      longLink = cstring(data, 0, data.length);
    } else {
      const type = TYPES[flag];
      if (!type) throw new FormatError(`${subject}: unsupported tar entry type "${flag}" at byte ${pos}`, { file: subject });
      const pax = { ...globalPax, ...(localPax ?? {}) };
      const magic = cstring(buf, pos + 257, 6);
      const prefix = magic === 'ustar' ? cstring(buf, pos + 345, 155) : '';
      const baseName = cstring(buf, pos, 100);
      const rawName = pax.path ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
      const num = (key: string, fallback: number): number => (pax[key] !== undefined ? Number(pax[key]) : fallback);
      const extra: Record<string, string> = {};
      for (const [k, v] of Object.entries(pax)) {
        if (!['path', 'linkpath', 'size', 'uid', 'gid', 'uname', 'gname', 'mtime', 'atime', 'ctime'].includes(k)) extra[k] = v;
      }
      const realSize = num('size', size);
      entries.push({
        name: normalizeTarName(rawName),
        type,
        mode: numeric(buf, pos + 100, 8, subject) & 0o7777,
        uid: num('uid', numeric(buf, pos + 108, 8, subject)),
        gid: num('gid', numeric(buf, pos + 116, 8, subject)),
        uname: pax.uname ?? cstring(buf, pos + 265, 32),
        gname: pax.gname ?? cstring(buf, pos + 297, 32),
        size: type === 'file' ? realSize : 0,
        mtime: Math.floor(num('mtime', numeric(buf, pos + 136, 12, subject))),
        linkname: ((l: string) => (type === 'hardlink' ? normalizeTarName(l) : l))(pax.linkpath ?? longLink ?? cstring(buf, pos + 157, 100)),
        devmajor: magic === 'ustar' ? numeric(buf, pos + 329, 8, subject) : 0,
        devminor: magic === 'ustar' ? numeric(buf, pos + 337, 8, subject) : 0,
        pax: extra,
        data: type === 'file' ? Buffer.from(data) : Buffer.alloc(0),
      });
      localPax = undefined;
      longName = undefined;
      longLink = undefined;
    }
    pos = next;
  }
  return entries;
}
