import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cacache from 'cacache';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BufferLayer, buildLayer, FileLayer, NO_NAMES, OriginLayering, reusedBlocks, SingleLayer } from '../layer';
import { INSTALLED_DB, Tree, type RootfsFacts } from '../rootfs';
import { createHash } from 'node:crypto';
import { blobKey, openStore } from '../store';
import { layerContentDigest, layersWithCache } from './layer';

function tree(): Tree {
  const t = new Tree();
  t.mkdirAll('usr/lib/apk/db');
  t.mkdirAll('usr/bin');
  t.writeFile('usr/bin/a', 'a', { owner: 'a' });
  t.writeFile(INSTALLED_DB, 'P:a\n\n');
  return t;
}

const facts = (stanza: string): RootfsFacts => ({ packages: [{ name: 'a', version: '1-r0', origin: 'a', installedSize: 1, stanza: Buffer.from(stanza) }], replaces: [] });

describe('layerContentDigest', () => {
  it('changes when only the partial installed database of a package layer does', () => {
    const keyOf = (stanza: string) => layerContentDigest(new OriginLayering(1).plan(tree(), facts(stanza)).layers[0]!, NO_NAMES);
    expect(keyOf('P:a\nV:1-r0\n\n')).toBe(keyOf('P:a\nV:1-r0\n\n'));
    expect(keyOf('P:a\nV:1-r0\n\n')).not.toBe(keyOf('P:a\nV:1-r1\n\n'));
  });
});

describe('layersWithCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'layer-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const other = (): Tree => {
    const t = tree();
    t.writeFile('usr/bin/b', 'b', { owner: 'a' });
    return t;
  };
  const build = (t: Tree) => layersWithCache(t, { strategy: new SingleLayer(), facts: facts('P:a\n\n'), store: openStore(dir) });

  it('reuses a stored layer with the same entries', async () => {
    const first = await build(tree());
    const second = await build(tree());
    expect(second.statuses).toEqual(['reused']);
    expect(second.layers[0]!.digest).toBe(first.layers[0]!.digest);
  });

  it("builds again, with the right bytes, when the entry under a layer's key was stored for another layer", async () => {
    const mine = await build(tree());
    const theirs = await build(other());
    const entries = Object.values(await cacache.ls(dir)).filter((e) => e.key.startsWith('layer:'));
    const mineKey = entries.find((e) => e.metadata.digest === mine.layers[0]!.digest)!.key;
    const stolen = await cacache.get(dir, entries.find((e) => e.key !== mineKey)!.key);
    await cacache.put(dir, mineKey, stolen.data, { metadata: stolen.metadata });
    const again = await build(tree());
    expect(again.statuses).toEqual(['built']);
    expect(again.layers[0]!.digest).toBe(mine.layers[0]!.digest);
    expect(theirs.layers[0]!.digest).not.toBe(mine.layers[0]!.digest);
    expect((await build(tree())).statuses, 'the repaired entry is reused').toEqual(['reused']);
  });

  it('keeps a built layer as a file in the store, leaving no spool file behind', async () => {
    const spools = () => readdirSync(tmpdir()).filter((n) => n.startsWith('apko-nx-layers-')).length;
    const before = spools();
    const built = await build(tree());
    const layer = built.layers[0]!;
    expect(layer).toBeInstanceOf(FileLayer);
    expect((layer as FileLayer).path.startsWith(dir)).toBe(true);
    expect(spools()).toBe(before);
  });

  it('builds again when the stored blob was altered on disk after the store wrote it', async () => {
    const first = await build(tree());
    const path = (first.layers[0] as FileLayer).path;
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1] ^= 0xff;
    chmodSync(path, 0o644);
    writeFileSync(path, bytes);
    const again = await build(tree());
    expect(again.statuses).toEqual(['built']);
    expect(again.layers[0]!.digest).toBe(first.layers[0]!.digest);
    expect((await build(tree())).statuses, 'the repaired entry is reused').toEqual(['reused']);
  });

  it('writes a built layer into the store once, as the blob of its digest, with the bytes a layer built apart has', async () => {
    const built = (await build(tree())).layers[0] as FileLayer;
    const apart = await buildLayer(new SingleLayer().plan(tree()).layers[0]!);
    expect(built.digest).toBe(apart.digest);
    expect(built.diffId).toBe(apart.diffId);
    const chunks: Buffer[] = [];
    for await (const c of apart.open()) chunks.push(c as Buffer);
    expect(readFileSync(built.path).equals(Buffer.concat(chunks))).toBe(true);
    const keys = Object.keys(await cacache.ls(dir));
    expect(keys).toContain(blobKey(built.digest));
    expect(keys.filter((k) => k.startsWith('pending:')), 'no provisional entry is left').toEqual([]);
  });

  it('still builds the layer, held in memory, when the store cannot be written', async () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const out = await layersWithCache(tree(), { strategy: new SingleLayer(), facts: facts('P:a\n\n'), store: openStore(join(file, 'cache')) });
    expect(out.statuses).toEqual(['built']);
    expect(out.layers[0]).toBeInstanceOf(BufferLayer);
    expect(out.layers[0]!.digest).toBe((await build(tree())).layers[0]!.digest);
  });

  describe('rebuilding a large layer after a change', () => {
    /** A tree of 40 files of 200 KiB (an 8 MiB layer, compressed in blocks); `bumped` changes one file's content and length. */
    const big = (bumped = false): Tree => {
      const t = new Tree();
      t.mkdirAll('usr/share/data');
      for (let i = 0; i < 40; i++) {
        const parts = Array.from({ length: 200 * 32 }, (_, k) => createHash('sha256').update(`${i}/${k}`).digest().toString(i % 2 ? 'hex' : 'base64'));
        if (bumped && i === 20) parts.push('one more line');
        t.writeFile(`usr/share/data/f${String(i).padStart(2, '0')}`, Buffer.from(parts.join('\n')), { owner: 'a' });
      }
      return t;
    };
    const layerOf = async (t: Tree, store = openStore(dir)) => (await layersWithCache(t, { strategy: new SingleLayer(), facts: facts('P:a\n\n'), store, arch: 'x86_64' })).layers[0]!;

    it('takes the unchanged blocks from the layer built before and gives the layer a fresh build gives', async () => {
      await layerOf(big());
      const start = reusedBlocks.count;
      const rebuilt = await layerOf(big(true));
      expect(reusedBlocks.count - start, 'most blocks are taken, not deflated').toBeGreaterThan(3);
      const freshDir = mkdtempSync(join(tmpdir(), 'layer-cache-fresh-'));
      try {
        const fresh = await layerOf(big(true), openStore(freshDir));
        expect(rebuilt.digest).toBe(fresh.digest);
        expect(rebuilt.diffId).toBe(fresh.diffId);
      } finally {
        rmSync(freshDir, { recursive: true, force: true });
      }
    });

    it('deflates again, with the right bytes, when the earlier layer blob was altered', async () => {
      const first = (await layerOf(big())) as FileLayer;
      const bytes = readFileSync(first.path);
      for (let at = 100; at < bytes.length; at += 4096) bytes[at] ^= 0xff;
      chmodSync(first.path, 0o644);
      writeFileSync(first.path, bytes);
      const start = reusedBlocks.count;
      const rebuilt = await layerOf(big(true));
      expect(reusedBlocks.count, 'no altered block is taken').toBe(start);
      const freshDir = mkdtempSync(join(tmpdir(), 'layer-cache-fresh-'));
      try {
        expect(rebuilt.digest).toBe((await layerOf(big(true), openStore(freshDir))).digest);
      } finally {
        rmSync(freshDir, { recursive: true, force: true });
      }
    });
  });
});

