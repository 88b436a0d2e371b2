import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { sha256Digest } from '../digest';
import { Tree } from '../rootfs/tree';
import { readTar } from '../tar/read';
import { buildLayer } from './build';
import { gzip } from './gzip';
import { FileLayer } from './stored';
import { tarChunks } from './tar';
import { LAYER_MEDIA_TYPE, NO_NAMES } from './types';
import { goldenTree, mixedTree } from './testdata/trees';

let spool: string;
beforeEach(() => {
  spool = mkdtempSync(join(tmpdir(), 'layer-spool-'));
});
afterEach(() => rmSync(spool, { recursive: true, force: true }));

describe('buildLayer', () => {
  it('reports a digest of the gzip bytes and a diffId of the tar inside them', async () => {
    const layer = await buildLayer(mixedTree().entries());
    const blob = await buffer(layer.open());
    expect(layer.mediaType).toBe(LAYER_MEDIA_TYPE);
    expect(layer.size).toBe(blob.length);
    expect(layer.digest).toBe(sha256Digest(blob));
    const tar = gunzipSync(blob);
    expect(layer.diffId).toBe(sha256Digest(tar));
    expect(tar.equals(Buffer.concat([...tarChunks(mixedTree().entries(), NO_NAMES)]))).toBe(true);
  });

  it('gives identical digests when built twice from equal trees', async () => {
    const a = await buildLayer(goldenTree().entries());
    const b = await buildLayer(goldenTree().entries());
    expect([b.digest, b.diffId, b.size]).toEqual([a.digest, a.diffId, a.size]);
  });

  it('opens a fresh stream every time', async () => {
    const layer = await buildLayer(goldenTree().entries());
    const first = await buffer(layer.open());
    expect((await buffer(layer.open())).equals(first)).toBe(true);
  });

  it('spools to a file named by its digest when given a directory, leaving nothing else there', async () => {
    const layer = await buildLayer(goldenTree().entries(), { spoolDir: spool });
    expect(layer).toBeInstanceOf(FileLayer);
    const hex = layer.digest.slice('sha256:'.length);
    expect(readdirSync(spool)).toEqual([`${hex}.tar.gz`]);
    expect(sha256Digest(readFileSync(join(spool, `${hex}.tar.gz`)))).toBe(layer.digest);
    expect(sha256Digest(await buffer(layer.open()))).toBe(layer.digest);
  });

  it('streams file contents larger than its coalescing buffer intact', async () => {
    const t = new Tree();
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff;
    t.writeFile('big.bin', big);
    t.writeFile('small', 'x');
    const layer = await buildLayer(t.entries(), { spoolDir: spool });
    const entries = readTar(gunzipSync(await buffer(layer.open())));
    expect(entries.map((e) => [e.name, e.size])).toEqual([['big.bin', big.length], ['small', 1]]);
    expect(entries[0]!.data.equals(big)).toBe(true);
  });

  it('builds an empty layer (just the end blocks) from no entries', async () => {
    const layer = await buildLayer([]);
    expect(gunzipSync(await buffer(layer.open())).equals(Buffer.alloc(1024))).toBe(true);
  });
});

describe('gzip', () => {
  it('writes a fixed header with no host facts: MTIME 0, XFL 0, OS 255', async () => {
    const chunks: Buffer[] = [];
    for await (const c of gzip([Buffer.from('hello')])) chunks.push(c);
    const out = Buffer.concat(chunks);
    expect(out.subarray(0, 10).toString('hex')).toBe('1f8b08000000000000ff');
    expect(gunzipSync(out).toString()).toBe('hello');
  });

  it('passes the source error through to the consumer', async () => {
    async function* broken() {
      yield Buffer.from('a');
      throw new Error('tree read failed');
    }
    const consume = async () => {
      for await (const _ of gzip(broken())) void _;
    };
    await expect(consume()).rejects.toThrow('tree read failed');
  });

  it.skipIf(!hasTool('gzip'))('produces a stream the gzip tool verifies and unpacks', async () => {
    const blob = await buffer((await buildLayer(mixedTree().entries())).open());
    execFileSync('gzip', ['-t'], { input: blob });
    expect(execFileSync('gzip', ['-dc'], { input: blob }).toString('latin1')).toContain('busybox binary');
  });
});
