/**
 * Splits concatenated gzip members at their exact byte boundaries. APK
 * packages and indexes are 2 or 3 gzip members back to back, and signatures
 * and checksums cover the raw compressed bytes of one member, so each member's
 * span must be known to the byte, not just its inflated content.
 */
import * as zlib from 'node:zlib';
import { FormatError, LimitError } from '../errors';

/** One gzip member: where its compressed bytes are and what they inflate to. */
export interface GzipMember {
  /** Offset of the first header byte in the input. */
  readonly start: number;
  /** Offset one past the trailer's last byte. */
  readonly end: number;
  /** The member's raw compressed bytes (header through trailer), a view into the input. */
  readonly raw: Buffer;
  /** The inflated content. */
  readonly content: Buffer;
}

/** Limits against hostile input; sizes in bytes of inflated content. */
export interface GzipLimits {
  /** Largest inflated size of any one member. */
  readonly maxMemberSize?: number;
  /** Name used in error messages. */
  readonly subject?: string;
  /** The hint of a limit breach (default: a generic one); readers name the flag that raises their limit. */
  readonly limitHint?: string;
}

/** What to do about bytes that are not whole gzip: they were cut short or altered on the way. */
export const HINT_CORRUPT_GZIP = 'the file is truncated or corrupt; fetch it again, or rebuild it from a trusted source';

/**
 * Inflated output is collected in pieces this large (zlib's default is
 * 16 KiB): fewer pieces for large packages, and the running total is still
 * checked against the limit after every piece, so a bomb is stopped within
 * one piece of its limit.
 */
const INFLATE_CHUNK = 1024 * 1024;

const FTEXT_FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

/** Length of the gzip header that starts at `pos`, per RFC 1952. */
function headerLength(buf: Buffer, pos: number, subject: string): number {
  if (buf.length - pos < 10 || buf[pos] !== 0x1f || buf[pos + 1] !== 0x8b || buf[pos + 2] !== 8) {
    throw new FormatError(`${subject}: no gzip member at byte ${pos}`, { file: subject, hint: HINT_CORRUPT_GZIP });
  }
  const flags = buf[pos + 3]!;
  let p = pos + 10;
  if (flags & FEXTRA) {
    if (p + 2 > buf.length) throw new FormatError(`${subject}: truncated gzip header at byte ${pos}`, { file: subject, hint: HINT_CORRUPT_GZIP });
    p += 2 + buf.readUInt16LE(p);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const nul = buf.indexOf(0, p);
      if (nul < 0) throw new FormatError(`${subject}: truncated gzip header at byte ${pos}`, { file: subject, hint: HINT_CORRUPT_GZIP });
      p = nul + 1;
    }
  }
  if (flags & FTEXT_FHCRC) p += 2;
  if (p > buf.length) throw new FormatError(`${subject}: truncated gzip header at byte ${pos}`, { file: subject, hint: HINT_CORRUPT_GZIP });
  return p - pos;
}

/** Inflates the member at `pos` and reports its exact extent. */
export function readMember(buf: Buffer, pos: number, limits: GzipLimits = {}): GzipMember {
  const subject = limits.subject ?? 'gzip data';
  const hlen = headerLength(buf, pos, subject);
  let result: { buffer: Buffer; engine: zlib.InflateRaw };
  try {
    result = zlib.inflateRawSync(buf.subarray(pos + hlen), {
      info: true,
      chunkSize: INFLATE_CHUNK,
      ...(limits.maxMemberSize !== undefined ? { maxOutputLength: Math.max(1, limits.maxMemberSize) } : {}),
    }) as unknown as { buffer: Buffer; engine: zlib.InflateRaw };
  } catch (err) {
    if (err instanceof RangeError && limits.maxMemberSize !== undefined) {
      throw new LimitError(
        `${subject}: a gzip member inflates to more than ${limits.maxMemberSize} bytes`,
        { subject, limit: limits.maxMemberSize, cause: err, hint: limits.limitHint ?? 'it may be a decompression bomb; raise the size limit only if you trust this source' },
      );
    }
    throw new FormatError(`${subject}: corrupt gzip member at byte ${pos}: ${(err as Error).message}`, {
      file: subject,
      cause: err,
      hint: HINT_CORRUPT_GZIP,
    });
  }
  const deflateLen = result.engine.bytesWritten;
  const end = pos + hlen + deflateLen + 8;
  if (end > buf.length) throw new FormatError(`${subject}: gzip member at byte ${pos} is truncated`, { file: subject, hint: HINT_CORRUPT_GZIP });
  const content = result.buffer;
  const crc = buf.readUInt32LE(end - 8);
  const isize = buf.readUInt32LE(end - 4);
  if (zlib.crc32(content) !== crc || (content.length >>> 0) !== isize) {
    throw new FormatError(`${subject}: gzip member at byte ${pos} fails its CRC or length check`, { file: subject, hint: HINT_CORRUPT_GZIP });
  }
  return { start: pos, end, raw: buf.subarray(pos, end), content };
}

/** Splits `buf` into all of its gzip members, in order. */
export function splitMembers(buf: Buffer, limits: GzipLimits = {}): GzipMember[] {
  const members: GzipMember[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const m = readMember(buf, pos, limits);
    members.push(m);
    pos = m.end;
  }
  if (members.length === 0) throw new FormatError(`${limits.subject ?? 'gzip data'}: empty input`, { hint: HINT_CORRUPT_GZIP });
  return members;
}

/** Deterministic gzip of one member: a fixed level, no file name and mtime 0, as node's zlib writes it. */
export function gzipMember(content: Uint8Array, level = 6): Buffer {
  return zlib.gzipSync(content, { level });
}
