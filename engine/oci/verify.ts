/**
 * Verify while moving bytes: every blob stream an output writer copies, and
 * every blob the validator reads, is counted and hashed as it passes; at the
 * end a mismatch is a ChecksumError naming the blob, the algorithm, got and want.
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../digest';
import { ChecksumError } from '../errors';

/** What a descriptor promises about a blob. */
export interface BlobFacts {
  readonly digest: Digest;
  readonly size: number;
}

/** Passes `src` through unchanged, throwing at the end if its size or sha256 differ from `want`. */
export async function* verifyChunks(
  src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  want: BlobFacts,
  subject: string,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of src) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    hash.update(buf);
    size += buf.length;
    yield buf;
  }
  if (size !== want.size) {
    throw new ChecksumError(`${subject} is ${size} bytes but its descriptor says ${want.size}`, {
      subject,
      algorithm: 'size',
      expected: String(want.size),
      actual: String(size),
      hint: 'the blob was truncated or replaced; rebuild the image',
    });
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== want.digest) {
    throw new ChecksumError(`${subject} has digest ${actual} but its descriptor says ${want.digest}`, {
      subject,
      algorithm: 'sha256',
      expected: want.digest,
      actual,
      hint: 'the blob was changed after it was built; rebuild the image',
    });
  }
}
