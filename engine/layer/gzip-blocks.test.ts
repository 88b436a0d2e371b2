import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { crc32, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { hasTool } from '../../e2e/support/env';
import { crc32Combine } from './crc32-combine';
import { closeDeflatePools } from './deflate-pool';
import { gzip } from './gzip';
import { BLOCK_MAX, BLOCK_MIN, GZIP_BLOCK_SIZE, gzipBlocks, reusedBlocks, type BlockRecord, type BlockReuse } from './gzip-blocks';
import { compressWorkersFrom, gzipLayer, PARALLEL_GZIP_MIN_BYTES } from './gzip-layer';

afterAll(() => closeDeflatePools());

/** Mixed content: runs of text-like bytes (a hash chain in hex), repeats and incompressible bytes. */
function mixed(length: number): Buffer {
  const out = Buffer.alloc(length);
  let seed = Buffer.from('apko-nx');
  for (let at = 0, i = 0; at < length; i++) {
    seed = createHash('sha256').update(seed).digest();
    const piece = i % 3 === 0 ? Buffer.from(seed.toString('hex').repeat(40)) : i % 3 === 1 ? Buffer.alloc(3000, seed[0]!) : seed;
    at += piece.copy(out, at);
  }
  return out;
}

async function collect(gen: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of gen) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Feeds `input` in uneven chunks, as a tar stream arrives. */
function* chunked(input: Buffer, size: number): Generator<Buffer> {
  for (let at = 0; at < input.length; at += size) yield input.subarray(at, at + size);
}

/** Runs a tool with `input` on stdin, asynchronously. */
function pipeThrough(cmd: string, args: readonly string[], input: Buffer): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.end(input);
  });
}

describe('crc32Combine', () => {
  it.each([0, 1, 31, 32 * 1024, GZIP_BLOCK_SIZE, GZIP_BLOCK_SIZE + 7])('gives the CRC of the joined bytes when the second part is %i bytes', (n) => {
    const a = mixed(5000);
    const b = mixed(n + 13).subarray(13);
    expect(crc32Combine(crc32(a), crc32(b), b.length)).toBe(crc32(Buffer.concat([a, b])));
  });
});

describe('gzipBlocks', () => {
  const SIZES: ReadonlyArray<readonly [string, number]> = [
    ['empty', 0],
    ['one byte', 1],
    ['exactly one block', GZIP_BLOCK_SIZE],
    ['many blocks', 5 * GZIP_BLOCK_SIZE],
    ['a length that is no multiple of the block', 3 * GZIP_BLOCK_SIZE + 12345],
  ];

  it.each(SIZES)('decompresses to the exact input with zlib (%s)', async (_, n) => {
    const input = mixed(n);
    const blob = await collect(gzipBlocks(chunked(input, 70_001), { workers: 2 }));
    expect(gunzipSync(blob).equals(input)).toBe(true);
    expect(blob.subarray(0, 10).equals(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]))).toBe(true);
  });

  it.each(SIZES)('gives the same bytes for 1, 2 and 4 workers (%s)', async (_, n) => {
    const input = mixed(n);
    const [one, two, four] = await Promise.all([1, 2, 4].map((workers) => collect(gzipBlocks([input], { workers }))));
    expect(two!.equals(one!)).toBe(true);
    expect(four!.equals(one!)).toBe(true);
    // Chunking of the input does not move a byte either.
    expect((await collect(gzipBlocks(chunked(input, 4096), { workers: 3 }))).equals(one!)).toBe(true);
  });

  it.skipIf(!hasTool('gzip'))('writes one member that gzip -t accepts and gunzip unpacks exactly', async () => {
    for (const [, n] of SIZES) {
      const input = mixed(n);
      const blob = await collect(gzipBlocks([input], { workers: 4 }));
      const test = await pipeThrough('gzip', ['-t'], blob);
      expect([test.code, test.stderr]).toEqual([0, '']);
      const unpacked = await pipeThrough('gunzip', ['-c'], blob);
      expect(unpacked.code).toBe(0);
      expect(unpacked.stdout.equals(input)).toBe(true);
      // One member: gzip -l sees the whole length in one ISIZE.
      const listed = await pipeThrough('gzip', ['-l'], blob);
      expect(listed.stdout.toString()).toContain(` ${n} `);
    }
  });

  it('passes on the error of a failing source', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield mixed(3 * GZIP_BLOCK_SIZE);
      throw new Error('tree read failed');
    }
    await expect(collect(gzipBlocks(broken(), { workers: 2 }))).rejects.toThrow('tree read failed');
  });
});

describe('gzipLayer', () => {
  it.each([0, 1, 100_000, PARALLEL_GZIP_MIN_BYTES])('keeps the single-stream bytes for a tar of %i bytes', async (n) => {
    const input = mixed(n);
    expect((await collect(gzipLayer(chunked(input, 65_536), { workers: 2 }))).equals(await collect(gzip([input])))).toBe(true);
  });

  it('compresses a tar over the threshold in parallel blocks, whatever the worker count', async () => {
    const input = mixed(PARALLEL_GZIP_MIN_BYTES + 1);
    const blocks = await collect(gzipBlocks([input], { workers: 1 }));
    for (const workers of [1, 2, 4]) expect((await collect(gzipLayer(chunked(input, 65_536), { workers }))).equals(blocks)).toBe(true);
    expect(gunzipSync(blocks).equals(input)).toBe(true);
  });
});

describe('compressWorkersFrom', () => {
  it('reads the count from APKO_NX_COMPRESS_WORKERS', () => {
    expect(compressWorkersFrom({ APKO_NX_COMPRESS_WORKERS: '3' })).toBe(3);
    expect(compressWorkersFrom({ APKO_NX_COMPRESS_WORKERS: ' 1 ' })).toBe(1);
  });

  it('defaults to the available parallelism, at most 4', () => {
    const n = compressWorkersFrom({});
    expect(n).toBeGreaterThanOrEqual(1);
    expect(n).toBeLessThanOrEqual(4);
    expect(compressWorkersFrom({ APKO_NX_COMPRESS_WORKERS: '' })).toBe(n);
  });

  it.each(['0', '-1', 'two', '1.5', '1000'])('refuses %s, naming the variable', (v) => {
    const err = (() => {
      try {
        compressWorkersFrom({ APKO_NX_COMPRESS_WORKERS: v });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('ECONFIG');
    expect(err.message).toBe(`APKO_NX_COMPRESS_WORKERS="${v}" is not a worker count`);
    expect(err.hint).toBe('set APKO_NX_COMPRESS_WORKERS to a whole number from 1 to 999, or unset it for the default');
  });
});

/** Varied bytes, as a layer's files are: text lines and pseudo-random runs from a seed, so the rolling hash finds cuts. */
function varied(length: number, seed = 'v'): Buffer {
  const parts: Buffer[] = [];
  let h = createHash('sha256').update(seed).digest();
  for (let n = 0; n < length; ) {
    h = createHash('sha256').update(h).digest();
    const piece = h[0]! % 2 === 0 ? Buffer.from(`${h.toString('hex')} ${n}\n`.repeat(1 + (h[1]! % 8))) : Buffer.concat(Array.from({ length: 1 + (h[2]! % 64) }, (_, i) => createHash('sha256').update(h).update(String(i)).digest()));
    parts.push(piece);
    n += piece.length;
  }
  return Buffer.concat(parts).subarray(0, length);
}

/** gzipBlocks with its block records. */
async function withBlocks(input: Buffer, reuse?: BlockReuse): Promise<{ blob: Buffer; blocks: readonly BlockRecord[] }> {
  let blocks: readonly BlockRecord[] = [];
  const blob = await collect(gzipBlocks(chunked(input, 65_536), { workers: 2, ...(reuse ? { reuse } : {}), onBlocks: (b) => (blocks = b) }));
  return { blob, blocks };
}

/** A reuse source over an earlier output, as the layer cache keeps one. */
function reuseFrom(earlier: { blob: Buffer; blocks: readonly BlockRecord[] }, opts: { broken?: boolean } = {}): BlockReuse {
  const byKey = new Map(earlier.blocks.map((b) => [b.key, b]));
  return {
    keys: new Set(byKey.keys()),
    read: async (key) => {
      const b = byKey.get(key);
      if (b === undefined || opts.broken) return undefined;
      return { data: earlier.blob.subarray(b.offset, b.offset + b.length), sha256: b.sha256 };
    },
  };
}

describe('content-defined blocks and their reuse', () => {
  const input = varied(12 * GZIP_BLOCK_SIZE);
  // A change near the start that also moves every later byte: 1000 bytes inserted.
  const changed = Buffer.concat([input.subarray(0, 100_000), varied(1000, 'inserted'), input.subarray(100_000)]);

  it('cuts blocks between the minimum and the maximum, and records where each lies in the output', async () => {
    const { blob, blocks } = await withBlocks(input);
    expect(blocks.length).toBeGreaterThan(6);
    for (const b of blocks.slice(0, -1)) {
      expect(b.inputLength).toBeGreaterThanOrEqual(BLOCK_MIN);
      expect(b.inputLength).toBeLessThanOrEqual(BLOCK_MAX);
    }
    expect(blocks.reduce((n, b) => n + b.inputLength, 0)).toBe(input.length);
    for (const b of blocks) expect(createHash('sha256').update(blob.subarray(b.offset, b.offset + b.length)).digest('hex')).toBe(b.sha256);
    expect(blocks.at(-1)!.offset + blocks.at(-1)!.length + 8).toBe(blob.length);
  });

  it('keeps the blocks after an insertion the same, so only the blocks around it differ', async () => {
    const before = new Set((await withBlocks(input)).blocks.map((b) => b.key));
    const after = (await withBlocks(changed)).blocks;
    const differ = after.filter((b) => !before.has(b.key)).length;
    expect(differ).toBeGreaterThanOrEqual(1);
    expect(differ).toBeLessThanOrEqual(3);
  });

  it('takes every known block from the reuse source and gives the bytes deflating all of it gives', async () => {
    const earlier = await withBlocks(input);
    const fresh = await withBlocks(changed);
    const start = reusedBlocks.count;
    const reused = await withBlocks(changed, reuseFrom(earlier));
    expect(reused.blob.equals(fresh.blob)).toBe(true);
    expect(gunzipSync(reused.blob).equals(changed)).toBe(true);
    expect(reused.blocks).toEqual(fresh.blocks);
    expect(reusedBlocks.count - start).toBeGreaterThanOrEqual(fresh.blocks.length - 3);
  });

  it('deflates a known block again when the reuse source cannot give its bytes', async () => {
    const earlier = await withBlocks(input);
    const start = reusedBlocks.count;
    const again = await withBlocks(input, reuseFrom(earlier, { broken: true }));
    expect(again.blob.equals(earlier.blob)).toBe(true);
    expect(reusedBlocks.count).toBe(start);
  });
});

