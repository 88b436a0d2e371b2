/**
 * A built image whose layer is large enough to be compressed in parallel
 * blocks has the same layer digests whatever APKO_NX_COMPRESS_WORKERS says.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../apk/keys';
import { writeLocalRepository } from '../example/local-repository';
import { buildImageFromConfig } from '../image/build';
import { normalizeBuildRequest } from '../image/request';
import { validateLayout } from '../oci';
import { closeDeflatePools } from './deflate-pool';
import { gzipBlocks } from './gzip-blocks';
import { PARALLEL_GZIP_MIN_BYTES } from './gzip-layer';

let dir: string;
const before = process.env.APKO_NX_COMPRESS_WORKERS;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apko-pgzip-'));
  const key = generateKeyPair('pgzip', 2048);
  writeFileSync(join(dir, key.publicKeyName), key.publicKeyPem);
  // ~6 MiB of text-like bytes: a layer well over the parallel threshold.
  const parts: string[] = [];
  let seed = Buffer.from('pgzip');
  for (let i = 0; i < 100_000; i++) {
    seed = createHash('sha256').update(seed).digest();
    parts.push(seed.toString('hex'));
  }
  const data = parts.join('\n');
  await writeLocalRepository(join(dir, 'packages'), {
    key,
    archs: ['x86_64'],
    packages: [{ name: 'big', version: '1.0-r0', files: [{ path: 'usr/share/big/data.txt', type: 'file', mode: 0o644, data }] }],
  });
  writeFileSync(join(dir, 'apko.yaml'), `contents:\n  repositories: [./packages]\n  keyring: [./${key.publicKeyName}]\n  packages: [big]\narchs: [x86_64]\n`);
});

afterAll(async () => {
  if (before === undefined) delete process.env.APKO_NX_COMPRESS_WORKERS;
  else process.env.APKO_NX_COMPRESS_WORKERS = before;
  await closeDeflatePools();
  rmSync(dir, { recursive: true, force: true });
});

async function buildWith(workers: string): Promise<{ index: string; layers: Array<{ digest: string; diffId: string; size: number }> }> {
  process.env.APKO_NX_COMPRESS_WORKERS = workers;
  const out = join(dir, `out-${workers}`);
  // A cache of its own: the layer is compressed in this build, not reused.
  const result = await buildImageFromConfig(
    normalizeBuildRequest({ config: 'apko.yaml', tag: 'pgzip:1', output: `${out}/`, cacheDir: join(dir, `cache-${workers}`), sbom: false, env: { SOURCE_DATE_EPOCH: '1700000000' } }, dir),
  );
  expect(result.report.layers.map((l) => l.status)).toEqual(['built']);
  expect((await validateLayout(out)).layers).toBe(1);
  return { index: result.indexDigest, layers: result.index.images[0]!.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, size: l.size })) };
}

describe('parallel layer compression in a built image', () => {
  it('gives equal layer digests with APKO_NX_COMPRESS_WORKERS=1 and =4', async () => {
    const one = await buildWith('1');
    const four = await buildWith('4');
    expect(four.layers).toEqual(one.layers);
    expect(four.index).toBe(one.index);
    // The layer went the parallel way: its tar is over the threshold, and its bytes are the block format's.
    const blob = readFileSync(join(dir, 'out-1', 'blobs', 'sha256', one.layers[0]!.digest.slice('sha256:'.length)));
    const tar = gunzipSync(blob);
    expect(tar.length).toBeGreaterThan(PARALLEL_GZIP_MIN_BYTES);
    const chunks: Buffer[] = [];
    for await (const c of gzipBlocks([tar], { workers: 2 })) chunks.push(c);
    expect(Buffer.concat(chunks).equals(blob)).toBe(true);
  });
});
