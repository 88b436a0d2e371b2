import { mkdtempSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it, beforeAll } from 'vitest';
import { fixturesDir } from '../../e2e/support/env';
import { writeExampleWorkspace, type ExampleWorkspace } from '../example/example-workspace';
import { validateLayout } from '../oci';
import { splitEntries, type LayeringStrategy } from '../layer';
import type { RootfsFacts } from '../rootfs';
import type { Tree } from '../rootfs/tree';
import { buildImageFromConfig } from './build';
import { normalizeBuildRequest } from './request';

let ws: ExampleWorkspace;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'apko-build-'));
  ws = await writeExampleWorkspace(join(root, 'ws'));
});

function build(out: string, extra: Record<string, unknown> = {}) {
  return buildImageFromConfig(
    normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', output: out, cacheDir: join(root, 'cache'), cwd: ws.dir, env: {}, ...extra }),
  );
}

describe('buildImageFromConfig', () => {
  it('builds a valid two-arch OCI layout with SBOMs beside it', async () => {
    const out = join(root, 'out1');
    mkdirSync(out);
    const result = await build(out);
    expect(result.images.map((i) => i.arch)).toEqual(['x86_64', 'aarch64']);
    expect(result.images.every((i) => i.packages === 2)).toBe(true);
    const summary = await validateLayout(out);
    expect(summary.manifests).toBe(2);
    for (const name of ['sbom-x86_64.spdx.json', 'sbom-aarch64.spdx.json', 'sbom-index.spdx.json']) {
      expect(existsSync(join(root, name))).toBe(true);
    }
    const schemaDir = fixturesDir();
    if (schemaDir) {
      const ajv = new Ajv({ allErrors: true, strict: false });
      const validate = ajv.compile(JSON.parse(readFileSync(join(schemaDir, '..', 'schemas', 'spdx-2.3-schema.json'), 'utf8')));
      for (const name of ['sbom-x86_64.spdx.json', 'sbom-aarch64.spdx.json', 'sbom-index.spdx.json']) {
        expect(validate(JSON.parse(readFileSync(join(root, name), 'utf8'))), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
    const sbom = JSON.parse(readFileSync(join(root, 'sbom-x86_64.spdx.json'), 'utf8'));
    const names = sbom.packages.map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['example-hello', 'example-baselayout']));
  });

  it('gives the same index digest on a second build', async () => {
    const a = join(root, 'twice-a');
    const b = join(root, 'twice-b');
    mkdirSync(a);
    mkdirSync(b);
    const first = await build(a);
    const second = await build(b);
    expect(second.indexDigest).toBe(first.indexDigest);
  });
});

describe('the engine cache', () => {
  it('re-emits an identical rebuild from the store without building any layer', async () => {
    const cache = join(root, 'cache-reuse');
    const opts = (out: string) => normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', output: out, cacheDir: cache, cwd: ws.dir, env: {} });
    mkdirSync(join(root, 'reuse-a'));
    mkdirSync(join(root, 'reuse-b'));
    const cold = await buildImageFromConfig(opts(join(root, 'reuse-a')));
    expect(cold.report.image).toBe('built');
    expect(cold.report.layers.every((l) => l.status === 'built')).toBe(true);
    const warm = await buildImageFromConfig(opts(join(root, 'reuse-b')));
    expect(warm.report.image).toBe('reused');
    expect(warm.report.layers.map((l) => l.status)).toEqual(cold.report.layers.map(() => 'reused'));
    expect(warm.indexDigest).toBe(cold.indexDigest);
    expect((await validateLayout(join(root, 'reuse-b'))).manifests).toBe(2);
    expect(readFileSync(join(root, 'sbom-x86_64.spdx.json'), 'utf8')).toBe(cold.sbomDocs[0]!.text);
  });

  it('re-emits a stored image without reading a package: the packages may even be gone', async () => {
    const { cpSync, readdirSync, rmSync, writeFileSync } = await import('node:fs');
    const { storedLayerChecks } = await import('../cache/stored-layer');
    const copy = join(root, 'gone');
    cpSync(ws.dir, copy, { recursive: true });
    const cache = join(root, 'cache-gone');
    const opts = (out: string, config = join(copy, 'apko.yaml')) => normalizeBuildRequest({ config, tag: 'example:latest', output: out, cacheDir: cache, cwd: copy, env: {} });
    const cold = await buildImageFromConfig(opts(join(root, 'gone-a/')));
    // Every package is replaced by bytes no checksum matches, in the repository and in the store.
    const apks: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(d, e.name));
        else if (e.name.endsWith('.apk')) apks.push(join(d, e.name));
      }
    };
    walk(copy);
    expect(apks.length).toBeGreaterThan(0);
    for (const f of apks) writeFileSync(f, 'not a package');
    const cacache = await import('cacache');
    for (const e of Object.values(await cacache.ls(cache))) if (e.key.startsWith('apk:')) await cacache.rm.entry(cache, e.key);
    const before = { ...storedLayerChecks };
    const warm = await buildImageFromConfig(opts(join(root, 'gone-b/')));
    expect(warm.report.image).toBe('reused');
    expect(warm.indexDigest).toBe(cold.indexDigest);
    expect(warm.buildDate).toBe(cold.buildDate);
    expect(warm.images).toEqual(cold.images);
    expect(warm.privileged).toEqual(cold.privileged);
    // Each stored layer is hashed once as a stream; nothing else is read.
    expect(storedLayerChecks.files - before.files).toBe(cold.report.layers.length);
    expect((await validateLayout(join(root, 'gone-b'))).manifests).toBe(2);
    // A changed input is a miss, and then the broken packages are read and refused.
    writeFileSync(join(copy, 'other.yaml'), readFileSync(join(copy, 'apko.yaml'), 'utf8').replace(/^environment:/m, 'environment:\n  CHANGED: "1"'));
    const err = await buildImageFromConfig(opts(join(root, 'gone-c/'), join(copy, 'other.yaml'))).catch((e: unknown) => e);
    expect(String(err)).toMatch(/\.apk/);
    rmSync(copy, { recursive: true, force: true });
  });

  it('rebuilds only the layers whose packages changed (origin layering)', async () => {
    const { writeLocalRepository } = await import('../example/local-repository');
    const { EXAMPLE_PACKAGES } = await import('../example/example-workspace');
    const { writeFileSync, readFileSync: read } = await import('node:fs');
    const dir = join(root, 'layered');
    mkdirSync(dir);
    const key = (await import('../apk/keys')).generateKeyPair('layered', 2048);
    writeFileSync(join(dir, 'layered.rsa.pub'), key.publicKeyPem);
    const write = (helloData: string) =>
      writeLocalRepository(join(dir, 'packages'), {
        key,
        archs: ['x86_64'],
        packages: EXAMPLE_PACKAGES.map((p) => (p.name === 'example-hello' ? { ...p, files: p.files.map((f) => (f.path === 'usr/bin/hello' ? { ...f, data: helloData } : f)) } : p)),
      });
    await write('#!/bin/sh\necho one\n');
    const config = read(ws.configPath, 'utf8').replace('./example.rsa.pub', './layered.rsa.pub').replace('  - aarch64\n', '') + 'layering:\n  strategy: origin\n  budget: 4\n';
    writeFileSync(join(dir, 'apko.yaml'), config);
    const opts = normalizeBuildRequest({ config: join(dir, 'apko.yaml'), tag: 'layered:1', cacheDir: join(dir, 'cache'), cwd: dir, env: {} });
    const first = await buildImageFromConfig(opts);
    expect(first.report.layers.length).toBeGreaterThan(2);
    expect(first.report.layers.every((l) => l.status === 'built')).toBe(true);
    await write('#!/bin/sh\necho two\n');
    const second = await buildImageFromConfig(opts);
    expect(second.report.image).toBe('built');
    const changed = second.report.layers.filter((l) => l.status === 'built');
    const reused = second.report.layers.filter((l) => l.status === 'reused');
    expect(changed.length).toBeGreaterThan(0);
    expect(reused.length).toBeGreaterThan(0);
    // The base layout's layer is the same bytes as before.
    const firstDigests = new Set(first.report.layers.map((l) => l.digest));
    for (const l of reused) expect(firstDigests.has(l.digest)).toBe(true);
    for (const l of changed) expect(firstDigests.has(l.digest)).toBe(false);
  });
});

/** A library user's strategy: one layer per installed package, in install order, then the top layer. */
class LayerPerPackage implements LayeringStrategy {
  readonly name = 'layer-per-package';
  plan(tree: Tree, facts: RootfsFacts) {
    const groups = facts.packages.map((p) => ({ packages: [p.name], size: p.installedSize }));
    return { groups, layers: splitEntries(tree.entries(), groups) };
  }
}

describe('a layering strategy in the build request', () => {
  it('shapes the layers, and the whole image is never re-emitted from the store for it (its layers are)', async () => {
    const cache = join(root, 'cache-strategy');
    const opts = normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', cacheDir: cache, cwd: ws.dir, env: {}, layeringStrategy: new LayerPerPackage() });
    const first = await buildImageFromConfig(opts);
    // example-baselayout, example-hello, then the top layer (apk database, accounts, /etc/apko.json).
    expect(first.images.map((i) => i.layers)).toEqual([3, 3]);
    const second = await buildImageFromConfig(opts);
    expect(second.report.image).toBe('built');
    expect(second.report.layers.map((l) => l.status)).toEqual(first.report.layers.map(() => 'reused'));
    expect(second.indexDigest).toBe(first.indexDigest);
    const plain = await buildImageFromConfig(normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', cacheDir: cache, cwd: ws.dir, env: {} }));
    expect(plain.images.map((i) => i.layers)).toEqual([1, 1]);
  });
});

describe('the output of a build request', () => {
  it('is a layout for a path ending in a separator, created by the engine, and a tarball otherwise', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apko-output-'));
    const layout = normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', output: 'new/oci/', cwd: dir, env: {} });
    expect(layout.output).toEqual({ path: join(dir, 'new', 'oci'), kind: 'layout' });
    expect(normalizeBuildRequest({ config: ws.configPath, tag: 'x:1', output: 'image.tar', cwd: dir, env: {} }).output).toEqual({ path: join(dir, 'image.tar'), kind: 'docker-archive' });
    mkdirSync(join(dir, 'existing'));
    expect(normalizeBuildRequest({ config: ws.configPath, tag: 'x:1', output: 'existing', cwd: dir, env: {} }).output?.kind).toBe('layout');
    const built = await buildImageFromConfig(normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', output: `${dir}/new/oci/`, cwd: ws.dir, env: {}, cacheDir: join(root, 'cache'), sbom: false }));
    expect(built.output).toEqual({ path: join(dir, 'new', 'oci'), kind: 'layout' });
    expect((await validateLayout(join(dir, 'new', 'oci'))).manifests).toBe(2);
  });
});

describe('SBOM formats in the build request', () => {
  it('refuses a format asked for twice through the build request, writing no output', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'apko-formats-')), 'image.tar');
    const request = normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', output: out, cacheDir: join(root, 'cache'), cwd: ws.dir, env: {}, sbomFormats: ['spdx', 'spdx'] });
    await expect(buildImageFromConfig(request)).rejects.toThrow('The SBOM format "spdx" is asked for twice');
    expect(existsSync(out)).toBe(false);
  });
});
