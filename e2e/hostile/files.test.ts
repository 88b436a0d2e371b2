import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as cacache from 'cacache';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { isRoot } from '../support/env';
import { bigImageConfig, bindReadOnly, mountTmpfs, remountReadOnly, temporaries, treeDiff, treeOf, unmount, unmountAll } from './support/files-faults';
import { hostile, layoutDigest, Sandbox } from './support/sandbox';

/**
 * File-system faults where a build writes: an output or SBOM directory that
 * is full, read-only, or has a file in its way, and a cache that is full,
 * read-only, not a directory, or holds entries that are not what their keys
 * name. A fault in an output is refused naming the path, with the previous
 * output (image and SBOMs) exactly as it was; a fault in the cache is a
 * warning, and the image is still built and still correct.
 */
const root = isRoot();

describe.runIf(root)('hostile: file-system faults', () => {
  let sb: Sandbox;
  let big: string;
  const scratch: string[] = [];
  beforeAll(async () => {
    sb = await Sandbox.create();
    big = bigImageConfig(sb, 'big', 3);
  });
  afterAll(() => {
    unmountAll();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  /** `build <config> hostile:1 <out>` without blocking the test worker. */
  const build = (config: string, extra: readonly string[] = [], env: Record<string, string | undefined> = {}) => sb.runAsync(['build', config, 'hostile:1', sb.out, ...extra], env);

  /** A fresh directory outside the sandbox, removed after the file. */
  const fresh = (name: string): string => {
    const d = mkdtempSync(join(tmpdir(), `hostile-files-${name}-`));
    scratch.push(d);
    return d;
  };

  /** The digest `config` builds to with a fresh cache into a fresh directory. */
  const cleanDigestOf = async (config: string): Promise<string> => {
    const d = fresh('clean');
    const r = await sb.runAsync(['build', config, 'hostile:1', `${join(d, 'out')}/`, '--sbom=false'], { APKO_CACHE_DIR: join(d, 'cache') });
    expect(r.code, r.stderr).toBe(0);
    return layoutDigest(join(d, 'out'));
  };

  /** Runs `fn` with a tmpfs mounted over the sandbox's output holding a fresh clean build (the previous output). */
  const withOutputOn = async (size: string, fn: () => Promise<void>, args: readonly string[] = []) => {
    mountTmpfs(sb.out, size);
    try {
      const r = await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', ...(args.length > 0 ? args : [sb.out])]);
      expect(r.code, r.stderr).toBe(0);
      await fn();
    } finally {
      unmount(sb.out);
    }
  };

  hostile('files/output-layout-disk-full', 'an output directory that fills up midway is refused naming it and "no space left", and the previous layout is exactly as it was', async () => {
    await withOutputOn('1m', async () => {
      await sb.refuses(() => build(big), { names: [sb.out, /no space left on device/] });
      expect(temporaries(sb.out)).toEqual([]);
    });
  });

  hostile('files/output-tarball-disk-full', 'a tarball on a file system that fills up is refused naming it; the previous tarball and its SBOMs are unchanged', async () => {
    const tar = join(sb.out, 'image.tar');
    await withOutputOn(
      '1m',
      async () => {
        await sb.refuses(() => sb.runAsync(['build', big, 'hostile:1', tar]), { names: [tar, /no space left on device/] });
        expect(temporaries(sb.out)).toEqual([]);
      },
      [tar],
    );
  });

  hostile('files/output-layout-mount-point', 'an output directory that is a mount point is replaced from inside: the build succeeds, the layout is complete and nothing of the old image or the stage remains', async () => {
    await withOutputOn('16m', async () => {
      const r = await build(big);
      expect(r.code, r.stderr).toBe(0);
      expect(layoutDigest(sb.out)).toBe(await cleanDigestOf(big));
      expect(readdirSync(sb.out).sort()).toEqual(['blobs', 'index.json', 'oci-layout']);
      const d = fresh('mp');
      expect((await sb.runAsync(['build', big, 'hostile:1', `${join(d, 'out')}/`])).code).toBe(0);
      expect(treeDiff(treeOf(join(d, 'out')), treeOf(sb.out)), 'the same tree as a build into a new directory').toEqual([]);
    });
  });

  hostile('files/output-read-only-bind', 'an output directory on a read-only bind mount is refused before any work, naming it and the read-only file system', async () => {
    bindReadOnly(sb.out, sb.out);
    try {
      await sb.refuses(() => build('apko.yaml'), { names: [sb.out, /read-only/] });
    } finally {
      unmount(sb.out);
    }
  });

  hostile('files/output-remounted-read-only', 'an output tmpfs remounted read-only after a good build is refused, and the layout on it is unchanged', async () => {
    await withOutputOn('4m', async () => {
      remountReadOnly(sb.out);
      await sb.refuses(() => build(big), { names: [sb.out, /read-only/] });
    });
  });

  hostile('files/output-parent-is-a-file', 'a layout path under a regular file is refused naming the file', async () => {
    sb.write('not-a-dir', 'x');
    const target = join(sb.dir, 'not-a-dir', 'out');
    await sb.refuses(() => sb.runAsync(['build', 'apko.yaml', 'hostile:1', target]), { names: [target, `${sb.dir}/not-a-dir is a file`] });
  });

  hostile('files/output-tarball-parent-is-a-file', 'a tarball path under a regular file is refused naming the file', async () => {
    sb.write('not-a-dir2', 'x');
    const target = join(sb.dir, 'not-a-dir2', 'image.tar');
    await sb.refuses(() => sb.runAsync(['build', 'apko.yaml', 'hostile:1', target]), { names: [target, `${sb.dir}/not-a-dir2 is a file`] });
  });

  hostile('files/output-tarball-dir-missing', 'a tarball path in a directory that does not exist is refused before any work, naming it; no directory is made', async () => {
    const target = join(sb.dir, 'no-such-dir', 'image.tar');
    await sb.refuses(() => sb.runAsync(['build', 'apko.yaml', 'hostile:1', target]), { names: [target, /does not exist/] });
  });

  hostile('files/sbom-path-is-a-file', 'an --sbom-path that is a regular file is refused before any work, naming it', async () => {
    const file = sb.write('sbom-file', 'x');
    await sb.refuses(() => build(big, ['--sbom-path', file]), { names: [file, /is a file/] });
  });

  hostile('files/sbom-path-read-only', 'an --sbom-path on a read-only mount is refused naming it; the previous layout is unchanged', async () => {
    const ro = bindReadOnly(fresh('sbom-src'), join(sb.dir, 'sbom-ro'));
    try {
      await sb.refuses(() => build(big, ['--sbom-path', ro]), { names: [ro, /read-only/] });
    } finally {
      unmount(ro);
    }
  });

  hostile('files/sbom-path-disk-full', 'SBOMs that do not fit on their file system fail the build naming the SBOM, and the image they belong to is not committed: the previous layout is unchanged', async () => {
    const dir = mountTmpfs(join(sb.dir, 'sbom-full'), '16k');
    try {
      try {
        writeFileSync(join(dir, 'filler'), Buffer.alloc(64 << 10));
      } catch {
        // The file system is full now, which is the point.
      }
      await sb.refuses(() => build(big, ['--sbom-path', dir]), { names: [/sbom-full\/sbom-\S+\.spdx\.json/, /no space left on device/] });
      expect(readdirSync(dir)).toEqual(['filler']);
    } finally {
      unmount(dir);
    }
  });

  hostile('files/sbom-failure-keeps-previous-sboms', 'when one SBOM cannot be written the SBOMs already staged are not committed either: every previous SBOM file is unchanged', async () => {
    const dir = join(sb.dir, 'sboms');
    expect((await build('apko.yaml', ['--sbom-path', dir])).code).toBe(0);
    const before = treeOf(dir);
    // The index SBOM's name taken by a directory: the per-arch SBOM stages fine, the index one cannot replace it.
    const indexSbom = readdirSync(dir).find((n) => n.includes('index'))!;
    rmSync(join(dir, indexSbom));
    sb.write(`sboms/${indexSbom}/keep`, 'x');
    const blocked = treeOf(dir);
    await sb.refuses(() => build(big, ['--sbom-path', dir]), { names: [join(dir, indexSbom)] });
    expect(treeDiff(blocked, treeOf(dir)), 'the SBOM directory is unchanged').toEqual([]);
    expect(before.size).toBeGreaterThan(0);
  });

  hostile('files/cache-is-a-file', 'a cache path that is a regular file is a warning naming it; the image is built and correct', async () => {
    const file = sb.write('cache-file', 'not a cache');
    const out = `${join(fresh('cf'), 'out')}/`;
    const r = await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', out], { APKO_CACHE_DIR: file });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`the cache ${file} cannot be`);
    expect(r.stderr).toMatch(/hint: \S/);
    expect(layoutDigest(out)).toBe(sb.digest);
  });

  hostile('files/cache-read-only', 'a read-only cache is a warning naming it; the image is built and correct', async () => {
    const cache = mountTmpfs(join(fresh('ro-cache'), 'cache'), '1m');
    try {
      remountReadOnly(cache);
      const out = `${join(fresh('roc'), 'out')}/`;
      const r = await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', out], { APKO_CACHE_DIR: cache });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`the cache ${cache} cannot be written \\(the file system is read-only\\)`));
      expect(layoutDigest(out)).toBe(sb.digest);
    } finally {
      unmount(cache);
    }
  });

  hostile('files/cache-disk-full', 'a cache that fills up midway is a warning naming it and "no space left"; the image is correct, and the full cache still serves a correct build', async () => {
    const cache = mountTmpfs(join(fresh('full-cache'), 'cache'), '1m');
    try {
      const want = await cleanDigestOf(big);
      for (const pass of ['first', 'second']) {
        const out = `${join(fresh(pass), 'out')}/`;
        const r = await sb.runAsync(['build', big, 'hostile:1', out], { APKO_CACHE_DIR: cache });
        expect(r.code, r.stderr).toBe(0);
        if (pass === 'first') expect(r.stderr).toMatch(new RegExp(`the cache ${cache} cannot be written \\(no space left on device\\)`));
        expect(layoutDigest(out), `${pass} build through the full cache`).toBe(want);
      }
      const out = `${join(fresh('small'), 'out')}/`;
      expect((await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', out], { APKO_CACHE_DIR: cache })).code).toBe(0);
      expect(layoutDigest(out)).toBe(sb.digest);
    } finally {
      unmount(cache);
    }
  });

  /** A copy of the sandbox's warm cache, to damage without harming the other cases. */
  const cacheCopy = (name: string): string => {
    const d = join(fresh(name), 'cache');
    cpSync(sb.cache, d, { recursive: true });
    return d;
  };

  const buildsCleanThrough = async (cache: string, config = 'apko.yaml', want = sb.digest) => {
    for (const pass of ['repairing', 'after repair']) {
      const out = `${join(fresh(pass.replace(' ', '-')), 'out')}/`;
      const r = await sb.runAsync(['build', config, 'hostile:clean', out], { APKO_CACHE_DIR: cache });
      expect(r.code, r.stderr).toBe(0);
      expect(layoutDigest(out), `${pass} build`).toBe(want);
    }
  };

  hostile('files/cache-truncated-content', 'every content file of the cache cut in half: the next build detects it, rebuilds and gives the clean digest', async () => {
    const cache = cacheCopy('trunc');
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const files = walk(join(cache, 'content-v2'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) truncateSync(f, Math.floor(statSync(f).size / 2));
    await buildsCleanThrough(cache);
  });

  hostile('files/cache-entry-of-another-key', "each image record and layer swapped with another build's under its key: the build notices, rebuilds and gives the clean digest", async () => {
    const cache = cacheCopy('swap');
    const other = bigImageConfig(sb, 'other', 1);
    expect((await sb.runAsync(['build', other, 'hostile:1', `${join(fresh('other'), 'out')}/`], { APKO_CACHE_DIR: cache })).code).toBe(0);
    const entries = Object.values(await cacache.ls(cache));
    for (const kind of ['image:', 'layer:']) {
      const ofKind = entries.filter((e) => e.key.startsWith(kind));
      expect(ofKind.length, kind).toBeGreaterThanOrEqual(2);
      const datas = await Promise.all(ofKind.map((e) => cacache.get(cache, e.key)));
      // Rotate: every key now holds a valid entry stored for another key.
      for (let i = 0; i < ofKind.length; i++) {
        const from = datas[(i + 1) % ofKind.length]!;
        await cacache.put(cache, ofKind[i]!.key, from.data, { metadata: from.metadata });
      }
    }
    await buildsCleanThrough(cache);
  });

  hostile('files/cache-index-garbage', "every index bucket of the cache overwritten with garbage: the cache's entries read as misses and the build gives the clean digest", async () => {
    const cache = cacheCopy('buckets');
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const buckets = walk(join(cache, 'index-v5'));
    expect(buckets.length).toBeGreaterThan(0);
    for (const b of buckets) writeFileSync(b, `${'\u0000garbage\t{"key":'.repeat(7)}\n`);
    await buildsCleanThrough(cache);
  });

  hostile('files/cache-record-not-json', 'an image record that is not JSON is a miss: the image is built again with the clean digest', async () => {
    const cache = cacheCopy('garbage');
    const records = Object.values(await cacache.ls(cache)).filter((e) => e.key.startsWith('image:'));
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) await cacache.put(cache, r.key, Buffer.from('{"index": tru'));
    await buildsCleanThrough(cache);
  });
});
