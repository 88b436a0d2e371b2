import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { validateLayout } from '../../engine/oci/validate';
import { isRoot } from '../support/env';
import { bigImageConfig, holdingServer, mountTmpfs, startCli, temporaries, treeDiff, treeOf, unmount, unmountAll, until, type KillableRun } from './support/files-faults';
import { hostile, layoutDigest, Sandbox } from './support/sandbox';

/**
 * Process faults: a build killed with SIGKILL at points the case can see
 * (a request reaching the package server, the cache's first write, the
 * output's stage appearing, the image line on stderr), and builds racing
 * for one cache or one output. The output is always the previous one or the
 * new one, whole; nothing a killed build left behind breaks the next build,
 * which gives the clean digest.
 */
describe('hostile: process faults', () => {
  let sb: Sandbox;
  let big: string;
  let bigDigest: string;
  const scratch: string[] = [];
  beforeAll(async () => {
    sb = await Sandbox.create();
    big = bigImageConfig(sb, 'big', 24);
    bigDigest = await cleanDigestOf(big);
  }, 120_000);
  afterAll(() => {
    unmountAll();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  const fresh = (name: string): string => {
    const d = mkdtempSync(join(tmpdir(), `hostile-process-${name}-`));
    scratch.push(d);
    return d;
  };

  /** The digest `config` builds to with a fresh cache into a fresh directory. */
  async function cleanDigestOf(config: string): Promise<string> {
    const d = fresh('clean');
    const r = await sb.runAsync(['build', config, 'hostile:1', `${join(d, 'out')}/`], { APKO_CACHE_DIR: join(d, 'cache') });
    expect(r.code, r.stderr).toBe(0);
    return layoutDigest(join(d, 'out'));
  }

  /** Starts `build <config> hostile:1 <out>` and SIGKILLs it when `point` resolves true; resolves with the run's end. */
  async function killAt(run: KillableRun, point: () => Promise<boolean>) {
    const reached = await point();
    expect(reached, `the kill point was reached while the build ran; stderr:\n${run.stderr()}`).toBe(true);
    run.child.kill('SIGKILL');
    const end = await run.done;
    expect(end.signal, `the build was killed, not finished; stderr:\n${end.stderr}`).toBe('SIGKILL');
    return end;
  }

  /** Puts the clean image back as the sandbox's previous output. */
  async function restoreClean(): Promise<void> {
    const r = await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', sb.out]);
    expect(r.code, r.stderr).toBe(0);
  }

  /** After a kill: the next build of `config` into the same output and cache succeeds, gives `want`, and leaves no temporaries. */
  async function nextBuildIsClean(config: string, want: string, env: Record<string, string | undefined> = {}, out = sb.out) {
    const r = await sb.runAsync(['build', config, 'hostile:1', out], env);
    expect(r.code, r.stderr).toBe(0);
    expect(layoutDigest(out)).toBe(want);
    expect(temporaries(sb.dir), 'no temporaries beside the output').toEqual([]);
    expect(temporaries(out), 'no temporaries inside the output').toEqual([]);
    await validateLayout(out);
  }

  hostile('process/kill-while-fetching', 'a build killed while a package download is in flight leaves the previous output whole, and the next build gives the clean digest', async () => {
    const remote = sb.apk({ name: 'remote', entries: [{ name: 'etc', type: 'dir' }, { name: 'etc/remote', data: 'remote\n' }] });
    const served = sb.repository('remote-repo', [{ apk: remote }]);
    const server = await holdingServer(served, '.apk');
    try {
      sb.write('remote.yaml', sb.config({ repositories: [server.origin], packages: ['remote'] }));
      const before = treeOf(sb.out);
      const run = startCli(sb, ['build', 'remote.yaml', 'hostile:1', sb.out]);
      await killAt(run, () => server.held.then(() => true));
      expect(treeDiff(before, treeOf(sb.out)), 'the previous output is unchanged').toEqual([]);
      server.release();
      const d = fresh('remote');
      const clean = await sb.runAsync(['build', 'remote.yaml', 'hostile:1', `${join(d, 'out')}/`], { APKO_CACHE_DIR: join(d, 'cache') });
      expect(clean.code, clean.stderr).toBe(0);
      await nextBuildIsClean('remote.yaml', layoutDigest(join(d, 'out')));
      await sb.expectCacheGood();
    } finally {
      await server.close();
      await restoreClean();
    }
  });

  hostile('process/kill-while-storing-layers', "a build killed as the cache takes its first layer leaves the cache serving correct builds and the previous output whole", async () => {
    const cache = join(fresh('layers'), 'cache');
    const before = treeOf(sb.out);
    const run = startCli(sb, ['build', big, 'hostile:1', sb.out], { APKO_CACHE_DIR: cache });
    await killAt(run, () => until(() => existsSync(join(cache, 'tmp')) || existsSync(join(cache, 'content-v2')), run.ended));
    expect(treeDiff(before, treeOf(sb.out)), 'the previous output is unchanged').toEqual([]);
    try {
      await nextBuildIsClean(big, bigDigest, { APKO_CACHE_DIR: cache });
    } finally {
      await restoreClean();
    }
  });

  hostile('process/kill-while-staging-layout', 'a build killed while its new layout is being staged beside the output leaves the previous layout exactly as it was; the next build sweeps the stage', async () => {
    const before = treeOf(sb.out);
    const run = startCli(sb, ['build', big, 'hostile:1', sb.out]);
    await killAt(run, () => until(() => readdirSync(sb.dir).some((n) => n.startsWith('.out.tmp-')), run.ended));
    expect(treeDiff(before, treeOf(sb.out)), 'the previous output is unchanged').toEqual([]);
    try {
      await nextBuildIsClean(big, bigDigest);
    } finally {
      await restoreClean();
    }
  });

  hostile('process/kill-while-writing-mount-point', 'a build killed while replacing a mount-point output from inside leaves a valid layout of the previous image; the next build leaves exactly a clean layout', async () => {
    if (!isRoot()) return;
    mountTmpfs(sb.out, '96m');
    try {
      await restoreClean();
      const run = startCli(sb, ['build', big, 'hostile:1', sb.out]);
      await killAt(run, () => until(() => readdirSync(sb.out).some((n) => n.startsWith('.apko-nx-stage-')), run.ended));
      expect(layoutDigest(sb.out), 'index.json still names the previous image').not.toBe(bigDigest);
      await validateLayout(sb.out);
      await nextBuildIsClean(big, bigDigest);
      const d = fresh('mp');
      expect((await sb.runAsync(['build', big, 'hostile:1', `${join(d, 'out')}/`])).code).toBe(0);
      expect(treeDiff(treeOf(join(d, 'out')), treeOf(sb.out)), 'the same tree as a build into a new directory').toEqual([]);
    } finally {
      unmount(sb.out);
    }
  });

  hostile('process/kill-while-writing-tarball', 'a build killed while writing a tarball leaves the previous tarball byte for byte; the next build replaces it and sweeps the temporary', async () => {
    const tar = join(sb.dir, 'image.tar');
    expect((await sb.runAsync(['build', 'apko.yaml', 'hostile:clean', tar])).code).toBe(0);
    const previous = readFileSync(tar);
    const run = startCli(sb, ['build', big, 'hostile:1', tar]);
    await killAt(run, () => until(() => readdirSync(sb.dir).some((n) => n.startsWith('.image.tar.tmp-')), run.ended));
    expect(readFileSync(tar).equals(previous), 'the previous tarball is unchanged').toBe(true);
    const r = await sb.runAsync(['build', big, 'hostile:1', tar]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(tar).equals(previous)).toBe(false);
    expect(temporaries(sb.dir)).toEqual([]);
    rmSync(tar);
    await restoreClean();
  });

  hostile('process/kill-after-image-built', 'a build killed right after it reports its image (storing it and writing the output) leaves the previous output whole; the next build through the same cache gives the clean digest', async () => {
    const cache = join(fresh('after-image'), 'cache');
    const before = treeOf(sb.out);
    const run = startCli(sb, ['build', big, 'hostile:1', sb.out], { APKO_CACHE_DIR: cache });
    await killAt(run, () => run.line(/x86_64: image sha256:/).then(() => true));
    expect(treeDiff(before, treeOf(sb.out)), 'the previous output is unchanged').toEqual([]);
    try {
      await nextBuildIsClean(big, bigDigest, { APKO_CACHE_DIR: cache });
    } finally {
      await restoreClean();
    }
  });

  hostile('process/two-configs-one-cache', 'two builds of different configs sharing one empty cache at once both succeed, each with its own clean digest', async () => {
    const small = bigImageConfig(sb, 'small', 1);
    const smallDigest = await cleanDigestOf(small);
    const cache = join(fresh('shared'), 'cache');
    const outs = [join(fresh('a'), 'out'), join(fresh('b'), 'out')];
    const [a, b] = await Promise.all([
      sb.runAsync(['build', big, 'hostile:1', `${outs[0]}/`], { APKO_CACHE_DIR: cache }),
      sb.runAsync(['build', small, 'hostile:1', `${outs[1]}/`], { APKO_CACHE_DIR: cache }),
    ]);
    expect(a!.code, a!.stderr).toBe(0);
    expect(b!.code, b!.stderr).toBe(0);
    expect(layoutDigest(outs[0]!)).toBe(bigDigest);
    expect(layoutDigest(outs[1]!)).toBe(smallDigest);
    // And the shared cache serves both again.
    for (const [config, want] of [[big, bigDigest], [small, smallDigest]] as const) {
      const out = `${join(fresh('again'), 'out')}/`;
      expect((await sb.runAsync(['build', config, 'hostile:1', out], { APKO_CACHE_DIR: cache })).code).toBe(0);
      expect(layoutDigest(out)).toBe(want);
    }
  }, 180_000);

  hostile('process/two-builds-one-output', 'two builds of different images into one output at once: one wins entirely, and the layout equals one of the two clean layouts', async () => {
    const cleanTree = async (config: string) => {
      const out = join(fresh('tree'), 'out');
      expect((await sb.runAsync(['build', config, 'hostile:1', `${out}/`])).code).toBe(0);
      return treeOf(out);
    };
    const wanted = [await cleanTree('apko.yaml'), await cleanTree(big)];
    for (let round = 0; round < 3; round++) {
      const out = join(fresh(`race${round}`), 'out');
      const runs = await Promise.all([sb.runAsync(['build', 'apko.yaml', 'hostile:1', `${out}/`]), sb.runAsync(['build', big, 'hostile:1', `${out}/`])]);
      for (const r of runs) expect(r.code, r.stderr).toBe(0);
      const got = treeOf(out);
      const equal = wanted.some((w) => treeDiff(w, got).length === 0);
      expect(equal, `round ${round}: the layout is one of the clean layouts, whole; differences from each: ${wanted.map((w) => treeDiff(w, got).slice(0, 5).join(', ')).join(' | ')}`).toBe(true);
      expect(temporaries(join(out, '..'))).toEqual([]);
      await validateLayout(out);
    }
  }, 240_000);

  hostile('process/two-builds-one-tarball', 'two builds of different images into one tarball at once: the tarball is exactly one of the two clean tarballs', async () => {
    const cleanTar = async (config: string) => {
      const tar = join(fresh('tar'), 'image.tar');
      expect((await sb.runAsync(['build', config, 'hostile:1', tar])).code).toBe(0);
      return readFileSync(tar);
    };
    const wanted = [await cleanTar('apko.yaml'), await cleanTar(big)];
    const dir = fresh('tar-race');
    const tar = join(dir, 'image.tar');
    const runs = await Promise.all([sb.runAsync(['build', 'apko.yaml', 'hostile:1', tar]), sb.runAsync(['build', big, 'hostile:1', tar])]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const got = readFileSync(tar);
    expect(wanted.some((w) => w.equals(got)), 'the tarball is one of the clean tarballs').toBe(true);
    expect(temporaries(dir)).toEqual([]);
  }, 180_000);
});
