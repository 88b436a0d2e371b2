import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../apk/keys';
import { writeLocalRepository, type PackageSpec } from '../example/local-repository';
import { resolvePackages } from '../fetch';
import { splitEntries, type Layer, type LayeringStrategy } from '../layer';
import { buildIndex, validateLayout, writeLayout } from '../oci';
import { INSTALLED_DB, parseInstalled, type InstalledRecord, type RootfsFacts, type Tree } from '../rootfs';
import { openStore } from '../store';
import { readTar } from '../tar/read';
import type { TarEntry } from '../tar/types';
import { buildArchImage } from './arch-image';
import { buildImageFromConfig } from './build';
import { loadForBuild } from './load-config';
import { normalizeBuildRequest } from './request';

/**
 * Packages made to tell the origin strategy's rules apart: libnew replaces
 * libold (satisfied, other origin), libother replaces libold>=5 (not
 * satisfied), and the installed sizes (`I:`) run opposite to the file bytes:
 * heavy-bytes ships the most bytes but declares the smallest size.
 */
const file = (path: string, bytes: number) => ({ path, type: 'file' as const, mode: 0o644, data: 'x'.repeat(bytes) });
const PACKAGES: PackageSpec[] = [
  { name: 'base', version: '1-r0', installedSize: 20, files: [{ path: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0:root:/root:/bin/sh\n' }, file('etc/base.conf', 4)] },
  { name: 'libold', version: '1.0-r0', origin: 'old', installedSize: 100, files: [file('usr/lib/libold.so', 30)] },
  { name: 'libnew', version: '2.0-r0', origin: 'new', installedSize: 50, replaces: ['libold<2'], files: [file('usr/lib/libnew.so', 30)] },
  { name: 'libother', version: '1-r0', installedSize: 60, replaces: ['libold>=5'], files: [file('usr/lib/libother.so', 30)] },
  { name: 'heavy-bytes', version: '1-r0', installedSize: 10, files: [file('usr/share/heavy-bytes/blob', 5000)] },
  { name: 'heavy-installed', version: '1-r0', installedSize: 9000, files: [file('usr/share/heavy-installed/tiny', 10)] },
  { name: 'mid', version: '1-r0', installedSize: 3000, files: [file('usr/share/mid/data', 100)] },
];

let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'apko-layering-'));
  const key = generateKeyPair('layering', 2048);
  writeFileSync(join(root, 'layering.rsa.pub'), key.publicKeyPem);
  await writeLocalRepository(join(root, 'packages'), { key, archs: ['x86_64'], packages: PACKAGES });
});

/** Writes an apko.yaml installing every package, with `layering` appended; returns its path. */
function config(name: string, layering: string): string {
  const path = join(root, `${name}.yaml`);
  const names = PACKAGES.map((p) => `    - ${p.name}\n`).join('');
  writeFileSync(path, `contents:\n  repositories:\n    - ./packages\n  keyring:\n    - ./layering.rsa.pub\n  packages:\n${names}archs:\n  - x86_64\n${layering}`);
  return path;
}

const options = (configPath: string, extra: Record<string, unknown> = {}) =>
  normalizeBuildRequest({ config: configPath, tag: 'layering:test', cwd: root, env: {}, cacheDir: join(root, 'cache', basename(configPath)), sbom: false, ...extra });

async function entriesOf(layer: Layer): Promise<TarEntry[]> {
  return readTar(gunzipSync(await buffer(layer.open())), 'layer');
}

const databaseOf = (entries: readonly TarEntry[]): InstalledRecord[] | undefined => {
  const db = entries.find((e) => e.name === INSTALLED_DB);
  return db && parseInstalled(db.data!.toString('utf8'));
};

/** Per package layer: its packages (from its partial database) and the packages owning its files (from the full one). */
async function describeLayers(layers: readonly Layer[]) {
  const all = await Promise.all(layers.map(entriesOf));
  const full = databaseOf(all.at(-1)!)!;
  const ownerOf = new Map(full.flatMap((r) => r.files.filter((f) => f.type === 'file').map((f) => [f.path, r.name] as const)));
  return all.slice(0, -1).map((entries) => ({
    packages: (databaseOf(entries) ?? []).map((r) => r.name),
    stanzas: databaseOf(entries) ?? [],
    owners: [...new Set(entries.filter((e) => e.type === 'file' && e.name !== INSTALLED_DB).map((e) => ownerOf.get(e.name) ?? `unowned:${e.name}`))].sort(),
    full,
  }));
}

async function buildOrigin(name: string, budget: number) {
  const out = join(root, `out-${name}`);
  mkdirSync(out);
  const result = await buildImageFromConfig(options(config(name, `layering:\n  strategy: origin\n  budget: ${budget}\n`), { output: out }));
  expect((await validateLayout(out)).manifests).toBe(1);
  return describeLayers(result.index.images[0]!.layers);
}

describe('origin layering in an image build', () => {
  it('keeps a package and the one it replaces in one layer across origins, but not when the replaces version is unmet', async () => {
    const layers = await buildOrigin('replaces', 10);
    const withOld = layers.filter((l) => l.owners.includes('libold'));
    expect(withOld.map((l) => l.owners)).toEqual([['libnew', 'libold']]);
    expect(layers.find((l) => l.owners.includes('libother'))!.owners).toEqual(['libother']);
  });

  it('orders the package layers by installed size, not by the bytes of their files', async () => {
    const layers = await buildOrigin('sizes', 10);
    expect(layers.map((l) => l.owners)).toEqual([['heavy-installed'], ['mid'], ['libnew', 'libold'], ['libother'], ['base'], ['heavy-bytes']]);
  });

  it('merges the groups smallest by installed size into the last package layer beyond the budget', async () => {
    const layers = await buildOrigin('budget', 4);
    expect(layers.map((l) => l.owners)).toEqual([['heavy-installed'], ['mid'], ['libnew', 'libold'], ['base', 'heavy-bytes', 'libother']]);
  });

  it('gives each package layer the installed-database stanzas of exactly its packages, byte for byte', async () => {
    const layers = await buildOrigin('stanzas', 10);
    for (const layer of layers) {
      expect(layer.packages).toEqual(layer.owners);
      const fromFull = layer.full.filter((r) => layer.packages.includes(r.name));
      expect(layer.stanzas.map((r) => r.lines)).toEqual(fromFull.map((r) => r.lines));
    }
    expect(layers[0]!.full.map((r) => r.name).sort()).toEqual(PACKAGES.map((p) => p.name).sort());
  });
});

/** A library user's strategy: one layer per package in name order, then the rest; no partial databases. */
class OneLayerPerPackage implements LayeringStrategy {
  readonly name = 'one-per-package';
  plan(tree: Tree, facts: RootfsFacts) {
    const groups = facts.packages.map((p) => ({ packages: [p.name], size: p.installedSize })).sort((a, b) => Buffer.compare(Buffer.from(a.packages[0]!), Buffer.from(b.packages[0]!)));
    return { groups, layers: splitEntries(tree.entries(), groups) };
  }
}

describe('an injected layering strategy', () => {
  it('splits the image as it plans, over the config layering, and its layers are reused from the store on a rebuild', async () => {
    const opts = options(config('injected', 'layering:\n  strategy: origin\n  budget: 2\n'));
    const loaded = await loadForBuild(opts);
    const store = openStore(join(root, 'cache-injected'));
    const { keyring, archs } = await resolvePackages(loaded, { store, offline: false, log: () => {} });
    const ctx = { keyring, buildDate: 0, annotations: {}, store, layering: new OneLayerPerPackage() };
    const first = await buildArchImage(loaded, archs[0]!, ctx);

    const layers = await Promise.all(first.image.layers.map(entriesOf));
    expect(layers).toHaveLength(PACKAGES.length + 1);
    const full = databaseOf(layers.at(-1)!)!;
    const owned = (entries: TarEntry[]) => entries.filter((e) => e.type === 'file').map((e) => full.find((r) => r.files.some((f) => f.path === e.name))?.name ?? 'top');
    const names = PACKAGES.map((p) => p.name).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(layers.slice(0, -1).map((l) => [...new Set(owned(l))])).toEqual(names.map((n) => [n]));
    expect(layers.slice(0, -1).some((l) => l.some((e) => e.name === INSTALLED_DB))).toBe(false);
    expect(first.layerStatuses.every((s) => s === 'built')).toBe(true);

    const out = join(root, 'out-injected');
    await writeLayout(out, buildIndex([first.image], { created: 0, annotations: {} }));
    expect((await validateLayout(out)).manifests).toBe(1);

    const second = await buildArchImage(loaded, archs[0]!, ctx);
    expect(second.layerStatuses).toEqual(first.layerStatuses.map(() => 'reused'));
    expect(second.image.manifest.digest).toBe(first.image.manifest.digest);
  });
});
