/**
 * The newc ("070701") cpio format as u-root's writer (`pkg/cpio/newc.go`)
 * produces it, which apko's `build-cpio` uses (`pkg/cpio/layer.go`): a
 * 110-byte header of thirteen 8-digit upper-case hex fields (inode, mode,
 * uid, gid, nlink, mtime, size, dev major/minor, rdev major/minor, name
 * length with its NUL, check 0), the NUL-terminated name, padding to 4
 * bytes, the contents, padding again when there were contents. The trailer
 * is a record named `TRAILER!!!` with every field 0.
 */

/** File-type bits of a cpio mode. */
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
const S_IFMT = 0o170000;

/** One record: u-root's Info fields that apko sets (inode, owners, nlink, mtime and dev stay 0). */
export interface CpioRecord {
  readonly name: string;
  /** Type bits plus permissions. */
  readonly mode: number;
  /** Contents: a file's bytes or a symlink's target; none for directories and devices. */
  readonly data?: Uint8Array;
  readonly rmajor?: number;
  readonly rminor?: number;
}

export const TRAILER_NAME = 'TRAILER!!!';

const HEADER_FIELDS = 13;

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio: field value ${n} does not fit in 32 bits`);
  return n.toString(16).toUpperCase().padStart(8, '0');
}

/** Zero bytes that bring `offset` to a multiple of 4. */
function pad4(offset: number): Buffer {
  return Buffer.alloc((4 - (offset % 4)) % 4);
}

/** The bytes of one record written at stream offset `offset` (padding is relative to the stream, as u-root pads). */
export function encodeRecord(r: CpioRecord, offset: number): Buffer[] {
  const name = Buffer.from(`${r.name}\0`, 'utf8');
  const data = r.data ?? Buffer.alloc(0);
  const fields = [0, r.mode >>> 0, 0, 0, 0, 0, data.length, 0, 0, r.rmajor ?? 0, r.rminor ?? 0, name.length, 0];
  if (fields.length !== HEADER_FIELDS) throw new Error('cpio: header field count');
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  const out: Buffer[] = [header, name];
  let pos = offset + header.length + name.length;
  const namePad = pad4(pos);
  out.push(namePad);
  pos += namePad.length;
  if (data.length > 0) {
    out.push(Buffer.from(data.buffer, data.byteOffset, data.length), pad4(pos + data.length));
  }
  return out;
}

/** u-root's `Normalize`: no leading `/`, then `path.Clean`. */
export function normalizeName(name: string): string {
  const parts: string[] = [];
  const trimmed = name.replace(/^\/+/, '');
  for (const p of trimmed.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else parts.push('..');
      continue;
    }
    parts.push(p);
  }
  return parts.length === 0 ? '.' : parts.join('/');
}

/** A directory record as u-root's `Directory` makes it: the type bits replaced by S_IFDIR. */
export function directory(name: string, mode: number): CpioRecord {
  return { name, mode: S_IFDIR | (mode & ~S_IFMT) };
}

/** A symlink record (u-root's `Symlink`): mode 0777 whatever the source said, the target as contents. */
export function symlink(name: string, target: string): CpioRecord {
  return { name, mode: S_IFLNK | 0o777, data: Buffer.from(target, 'utf8') };
}

/** A regular file (u-root's `StaticFile`): S_IFREG or-ed with the permissions. */
export function regularFile(name: string, perm: number, data: Uint8Array): CpioRecord {
  return { name, mode: S_IFREG | perm, data };
}

/** A character device (u-root's `CharDev`): the device numbers go in the rdev fields. */
export function charDevice(name: string, perm: number, rmajor: number, rminor: number): CpioRecord {
  return { name, mode: S_IFCHR | perm, rmajor, rminor };
}
