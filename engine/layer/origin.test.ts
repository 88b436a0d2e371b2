import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { INSTALLED_DB } from '../rootfs/installed-db';
import type { RootfsFacts } from '../rootfs/layer-facts';
import { Tree } from '../rootfs/tree';
import { readTar } from '../tar/read';
import { factsFromTree, layersFromTree } from './from-tree';
import { listTar } from './listing';
import { groupPackages, OriginLayering, splitEntries } from './origin';

const sizes = new Map([['a', 10], ['b', 5], ['c', 20], ['d', 20], ['e', 1]]);
const origins = new Map([['a', 'x'], ['b', 'x'], ['c', 'c'], ['d', 'd'], ['e', 'e']]);
const facts = (names: string[], replaces: Array<[string, string]> = []): RootfsFacts => ({
  packages: names.map((name) => ({ name, version: '1-r0', origin: origins.get(name) ?? '', installedSize: sizes.get(name) ?? 0, stanza: Buffer.from(`P:${name}\n\n`) })),
  replaces,
});
const group = (pkgs: string[], budget: number, replaces: Array<[string, string]> = []) =>
  groupPackages(facts(pkgs, replaces), budget).map((g) => `${g.packages.join('+')}:${g.size}`);

describe('groupPackages', () => {
  it('groups by origin and orders by installed size, ties broken by the greatest package name', () => {
    expect(group(['a', 'b', 'c', 'd', 'e'], 10)).toEqual(['c:20', 'd:20', 'a+b:15', 'e:1']);
  });

  it('gives the same groups whatever order the packages arrive in', () => {
    expect(group(['e', 'd', 'c', 'b', 'a'], 10)).toEqual(group(['a', 'b', 'c', 'd', 'e'], 10));
  });

  it('merges the smallest groups into one overflow group beyond the budget', () => {
    expect(group(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['c:20', 'd:20', 'a+b+e:16']);
    expect(group(['a', 'b', 'c', 'd', 'e'], 2)).toEqual(['c:20', 'a+b+d+e:36']);
  });

  it('makes a single package group when the budget is 0 or 1', () => {
    expect(group(['a', 'b', 'c', 'd', 'e'], 0)).toEqual(['a+b+c+d+e:56']);
    expect(group(['a', 'b', 'c', 'd', 'e'], 1)).toEqual(['a+b+c+d+e:56']);
  });

  it('makes no package group when nothing is installed', () => {
    expect(group([], 0)).toEqual([]);
  });

  it('keeps a package and the one it replaces in one group, with the whole of both origins, whichever way the pair is written', () => {
    expect(group(['a', 'b', 'c', 'd', 'e'], 10, [['e', 'a']])).toEqual(['c:20', 'd:20', 'a+b+e:16']);
    expect(group(['a', 'b', 'c', 'd', 'e'], 10, [['a', 'e']])).toEqual(['c:20', 'd:20', 'a+b+e:16']);
  });

  it('ignores a replaces pair naming a package that is not installed', () => {
    expect(group(['c', 'd'], 10, [['c', 'zzz']])).toEqual(['c:20', 'd:20']);
  });

  it('puts packages that declare no origin in one group, as apko groups them under the empty origin', () => {
    expect(group(['c', 'solo', 'other'], 10)).toEqual(['c:20', 'other+solo:0']);
  });

  it('rejects a negative or fractional budget with a ConfigError naming the key', () => {
    expect(() => group(['a'], -1)).toThrow(ConfigError);
    expect(() => new OriginLayering(1.5)).toThrow('layering.budget must be a whole number of layers, got 1.5');
  });
});

function packagedTree(): Tree {
  const t = new Tree();
  t.mkdirAll('usr/bin', { mtime: 0 });
  t.mkdirAll('usr/lib/libz', { mtime: 300, owner: 'zlib' });
  t.writeFile('usr/bin/busybox', 'bb', { mtime: 100, owner: 'busybox' });
  t.writeFile('usr/lib/libz/libz.so', 'zzzz', { mtime: 200, owner: 'zlib' });
  t.mkdirAll('etc');
  t.writeFile('etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  t.mkdirAll('usr/lib/apk/db');
  t.writeFile(INSTALLED_DB, 'P:busybox\n\nP:zlib\n\n');
  return t;
}

describe('splitEntries', () => {
  const groups = [{ packages: ['zlib'], size: 4 }, { packages: ['busybox'], size: 2 }];

  it('puts owned files in their package layer with the parents they need at the child mtime, and every directory on top', () => {
    const layers = splitEntries(packagedTree().entries(), groups);
    const view = layers.map((l) => l.map(([p, n]) => `${p}@${n.mtime}`));
    expect(view[0]).toEqual(['usr@200', 'usr/lib@200', 'usr/lib/libz@200', 'usr/lib/libz/libz.so@200']);
    expect(view[1]).toEqual(['usr@100', 'usr/bin@100', 'usr/bin/busybox@100']);
    // As apko's splitLayers: directories belong to no package, so each is on top with its own mtime (usr/lib/libz: 300).
    expect(view[2]).toEqual([
      'etc@0', 'etc/passwd@0', 'usr@0', 'usr/bin@0', 'usr/lib@300', 'usr/lib/apk@0', 'usr/lib/apk/db@0', `${INSTALLED_DB}@0`, 'usr/lib/libz@300',
    ]);
  });

  it('gives each package layer a partial installed database of its own packages', () => {
    const db = new Map([['busybox', Buffer.from('P:busybox\n\n')], ['zlib', Buffer.from('P:zlib\n\n')]]);
    const layers = splitEntries(packagedTree().entries(), groups, db);
    const dbOf = (i: number) => layers[i]!.find(([p]) => p === INSTALLED_DB)![1].data!.toString();
    expect([dbOf(0), dbOf(1), dbOf(2)]).toEqual(['P:zlib\n\n', 'P:busybox\n\n', 'P:busybox\n\nP:zlib\n\n']);
    expect(layers[0]!.map(([p]) => p)).toContain('usr/lib/apk/db');
  });
});

describe('layersFromTree', () => {
  it('builds one layer per group plus a top layer, and applying them in order rebuilds the tree', async () => {
    const tree = packagedTree();
    const layering = new OriginLayering(5);
    expect(layering.plan(tree, factsFromTree(tree)).groups.map((g) => g.packages)).toEqual([['zlib'], ['busybox']]);
    const layers = await layersFromTree(tree, { layering });
    expect(layers).toHaveLength(3);
    const applied = new Map<string, string>();
    for (const layer of layers) {
      for (const line of listTar(gunzipSync(await buffer(layer.open())))) applied.set(line.split(' ').pop()!, line);
    }
    const single = listTar(gunzipSync(await buffer((await layersFromTree(tree))[0]!.open())));
    // Directory mtimes may differ (package layers stamp parents with their child's mtime); nothing else may.
    const noDirMtime = (l: string) => (l.startsWith('d') ? l.replace(/ \d+ (\S+)$/, ' * $1') : l);
    expect([...applied.keys()].sort()).toEqual(single.map((l) => l.split(' ').pop()!).sort());
    expect(single.map((l) => noDirMtime(applied.get(l.split(' ').pop()!)!))).toEqual(single.map(noDirMtime));
  });

  it('takes uname and gname from the image own passwd file', async () => {
    const [layer] = await layersFromTree(packagedTree());
    const entries = readTar(gunzipSync(await buffer(layer!.open())));
    expect(entries.find((e) => e.name === 'usr/bin/busybox')).toMatchObject({ uname: 'root', gname: '' });
  });

  it('takes each owner of a tree made without the rootfs stage as its own origin, sized by its bytes in the tree', () => {
    expect(factsFromTree(packagedTree()).packages.map((p) => [p.name, p.origin, p.installedSize])).toEqual([['busybox', 'busybox', 2], ['zlib', 'zlib', 4]]);
  });
});
