/**
 * Decompression bombs made in bounded memory, and a way to measure how much
 * memory a CLI run took. A bomb of several GiB cannot be made by gzipping a
 * buffer of that size in the test process; instead one deflate segment of
 * 1 MiB of zeros, ended by a full flush (byte-aligned, no reference to what
 * came before), is repeated: any number of copies is a valid deflate stream.
 * Test support only: the engine never imports it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';

const MIB = 1024 * 1024;
/** A final, empty fixed-Huffman block: ends any deflate stream. */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/**
 * A whole gzip member whose content is `prefix` followed by `zeros` zero
 * bytes (a multiple of 1 MiB); CRC and length are right, so only a size
 * limit can refuse it. Compressed, it is about 1/1000 of its content.
 */
export function zeroBombMember(zeros: number, prefix: Buffer = Buffer.alloc(0)): Buffer {
  if (zeros % MIB !== 0) throw new Error('zeroBombMember: zeros must be a multiple of 1 MiB');
  const block = Buffer.alloc(MIB);
  const segment = deflateRawSync(block, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const parts: Buffer[] = [GZIP_HEADER];
  if (prefix.length > 0) parts.push(deflateRawSync(prefix, { finishFlush: constants.Z_FULL_FLUSH }));
  for (let i = 0; i < zeros / MIB; i++) parts.push(segment);
  const crc = crc32Combine(crc32(prefix), zerosCrc(zeros / MIB, crc32(block)), zeros);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE((prefix.length + zeros) % 2 ** 32, 4);
  parts.push(FINAL_BLOCK, trailer);
  return Buffer.concat(parts);
}

// CRC-32 of concatenations without the bytes (zlib's crc32_combine): hashing GiBs of zeros would take longer than the case.
function gf2Times(mat: readonly number[], vec: number): number {
  let sum = 0;
  for (let i = 0; vec !== 0; i++, vec >>>= 1) if (vec & 1) sum ^= mat[i]!;
  return sum >>> 0;
}

function gf2Square(mat: readonly number[]): number[] {
  return mat.map((row) => gf2Times(mat, row));
}

/** The CRC-32 of A followed by B, from crc(A), crc(B) and B's length. */
function crc32Combine(crcA: number, crcB: number, lenB: number): number {
  if (lenB === 0) return crcA >>> 0;
  // The operator for one zero bit, then squared up to one zero byte and on.
  let odd = [0xedb88320, ...Array.from({ length: 31 }, (_, n) => (1 << n) >>> 0)];
  let even = gf2Square(odd);
  odd = gf2Square(even);
  let crc = crcA >>> 0;
  let len = lenB;
  for (;;) {
    even = gf2Square(odd);
    if (len % 2 === 1) crc = gf2Times(even, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
    odd = gf2Square(even);
    if (len % 2 === 1) crc = gf2Times(odd, crc);
    len = Math.floor(len / 2);
    if (len === 0) break;
  }
  return (crc ^ crcB) >>> 0;
}

/** The CRC-32 of `mib` MiB of zeros, from the CRC of one MiB, by doubling. */
function zerosCrc(mib: number, oneMib: number): number {
  let acc: number | undefined;
  let power = oneMib;
  let powerLen = MIB;
  for (let m = mib; m > 0; m = Math.floor(m / 2)) {
    if (m % 2 === 1) acc = acc === undefined ? power : crc32Combine(acc, power, powerLen);
    power = crc32Combine(power, power, powerLen);
    powerLen *= 2;
  }
  return acc ?? 0;
}

/** Measures the peak resident memory of the node processes run with `env()` (the CLI), in bytes. */
export class PeakMemory {
  private readonly dir = mkdtempSync(join(tmpdir(), 'hostile-rss-'));
  private readonly report = join(this.dir, 'max-rss');
  private readonly hook = join(this.dir, 'report-rss.cjs');

  constructor() {
    writeFileSync(
      this.hook,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.HOSTILE_RSS_REPORT, String(process.resourceUsage().maxRSS * 1024)));\n",
    );
  }

  /** Environment that makes the CLI report its peak memory on exit. */
  env(): Record<string, string> {
    rmSync(this.report, { force: true });
    return { NODE_OPTIONS: `--require ${this.hook}`, HOSTILE_RSS_REPORT: this.report };
  }

  /** The last run's peak resident memory, in bytes. */
  peak(): number {
    return Number(readFileSync(this.report, 'utf8'));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
