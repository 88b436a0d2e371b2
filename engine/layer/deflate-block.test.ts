import { createHash, randomBytes } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { deflateBlock, SEGMENT_BYTES } from './deflate-block';

/** Text-like bytes: a hash chain in hex, deterministic. */
function text(length: number, seed = 'apko-nx'): Buffer {
  const parts: Buffer[] = [];
  let h = Buffer.from(seed);
  for (let n = 0; n < length; n += 64 * 7) {
    h = createHash('sha256').update(h).digest();
    parts.push(Buffer.from(`${h.toString('hex')} line ${n}\n`.repeat(7)));
  }
  return Buffer.concat(parts).subarray(0, length);
}

/** Inflates a block that may end on a byte boundary rather than a final block. */
function inflate(out: Buffer, last: boolean, dictionary?: Buffer): Buffer {
  const whole = last ? out : Buffer.concat([out, Buffer.from([0x03, 0x00])]);
  return inflateRawSync(whole, dictionary ? { dictionary } : {});
}

describe('deflateBlock', () => {
  it.each([true, false])('stores incompressible bytes at the cost of a 5-byte header per 64 KiB (last=%s)', (last) => {
    const input = randomBytes(5 * SEGMENT_BYTES + 1234);
    const out = deflateBlock(input, undefined, 5, last);
    expect(out.length).toBe(input.length + 5 * Math.ceil(input.length / 65535));
    expect(inflate(out, last).equals(input)).toBe(true);
  });

  it('deflates compressible bytes as zlib does at the level', () => {
    const input = text(4 * SEGMENT_BYTES);
    const out = deflateBlock(input, undefined, 5, true);
    expect(out.equals(deflateRawSync(input, { level: 5 }))).toBe(true);
    expect(out.length).toBeLessThan(input.length / 3);
  });

  it('mixes stored and deflated runs in one block that inflates to the input, with the dictionary before it', () => {
    const dictionary = text(32 * 1024, 'before');
    // The text after the random run repeats the text before it, so a match across the stored run shows in the size.
    const t = text(3 * SEGMENT_BYTES);
    const input = Buffer.concat([t, randomBytes(2 * SEGMENT_BYTES), t.subarray(0, SEGMENT_BYTES), text(100)]);
    for (const last of [true, false]) {
      const out = deflateBlock(input, dictionary, 5, last);
      expect(inflate(out, last, dictionary).equals(input)).toBe(true);
      const storedBytes = 2 * SEGMENT_BYTES;
      expect(out.length).toBeGreaterThan(storedBytes);
      expect(out.length).toBeLessThan(storedBytes + input.length / 4);
    }
  });

  it('ends an empty last block as a final block and an empty middle block on a byte boundary', () => {
    expect(inflateRawSync(deflateBlock(Buffer.alloc(0), undefined, 5, true)).length).toBe(0);
    expect(inflate(deflateBlock(Buffer.alloc(0), undefined, 5, false), false).length).toBe(0);
  });

  it('gives the same bytes for the same input every time', () => {
    const input = Buffer.concat([randomBytes(SEGMENT_BYTES), text(SEGMENT_BYTES * 2)]);
    expect(deflateBlock(input, undefined, 5, false).equals(deflateBlock(Buffer.from(input), undefined, 5, false))).toBe(true);
  });
});
