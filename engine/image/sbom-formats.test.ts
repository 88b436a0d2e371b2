import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir } from '../../e2e/support/env';
import { imageInputsDigest, loadImage, saveImage } from '../cache/image';
import { ConfigError } from '../errors';
import { writeExampleWorkspace } from '../example/example-workspace';
import { resolvePackages } from '../fetch';
import { buildIndex, writeSboms, type ImageIndex } from '../oci';
import { apkPurl, registerSbomFormat, sbomFormatsNamed, type SbomFormat } from '../sbom';
import { openStore } from '../store';
import { buildArchImage, type ArchImage } from './arch-image';
import { buildImageFromConfig } from './build';
import { loadForBuild } from './load-config';
import { normalizeBuildRequest } from './request';
import { sbomDocuments } from './sboms';

/** A format that exists only in this test: one purl per line, so its documents are easy to read back. */
const LINES: SbomFormat = {
  name: 'test-lines',
  artifactType: 'text/vnd.apko-nx.test-lines',
  imageDocument: (f) => ({
    name: `sbom-${f.arch}.lines.txt`,
    artifactType: 'text/vnd.apko-nx.test-lines',
    bytes: Buffer.from(`${f.imageDigest}\n${f.packages.map((p) => apkPurl(p, f.os?.id)).join('\n')}\n`),
  }),
  indexDocument: (f) => ({
    name: 'sbom-index.lines.txt',
    artifactType: 'text/vnd.apko-nx.test-lines',
    bytes: Buffer.from(`${f.indexDigest}\n${f.images.map((i) => `${i.arch} ${i.digest}`).join('\n')}\n`),
  }),
};

let root: string;
let configPath: string;
let workDir: string;
let unregister: () => void;
let built: { loaded: Awaited<ReturnType<typeof loadForBuild>>; archImages: ArchImage[]; index: ImageIndex; key: (formats?: readonly string[]) => string };

/** The stages buildImageFromConfig runs before its SBOMs: load, resolve, build each arch, index. */
beforeAll(async () => {
  unregister = registerSbomFormat(LINES);
  root = mkdtempSync(join(tmpdir(), 'apko-sbom-formats-'));
  const ws = await writeExampleWorkspace(join(root, 'ws'));
  [configPath, workDir] = [ws.configPath, ws.dir];
  const opts = normalizeBuildRequest({ config: ws.configPath, tag: 'example:latest', cacheDir: join(root, 'cache'), cwd: ws.dir, env: {} });
  const loaded = await loadForBuild(opts);
  const store = openStore(opts.cacheDir);
  const { keyring, archs } = await resolvePackages(loaded, { store, offline: false, log: () => undefined });
  const archImages: ArchImage[] = [];
  for (const fetched of archs) archImages.push(await buildArchImage(loaded, fetched, { keyring, buildDate: 0, annotations: {}, store }));
  const index = buildIndex(archImages.map((a) => a.image), { created: 0, annotations: {} });
  const key = (sbomFormats?: readonly string[]) =>
    imageInputsDigest(loaded, { tag: opts.tag, archs: archs.map((a) => ({ arch: a.arch.apk, checksums: a.packages.map((p) => p.checksum) })), keyring, ...(sbomFormats ? { sbomFormats } : {}) });
  built = { loaded, archImages, index, key };
});

afterAll(() => unregister());

const documents = (formats?: readonly string[]) =>
  sbomDocuments({ ...built, tag: 'example:latest', buildDate: 0, ...(formats ? { formats: sbomFormatsNamed(formats) } : {}) });

describe('SBOMs in several formats', () => {
  it('writes a test-only format beside the SPDX documents, each naming the manifest it describes', async () => {
    const docs = documents(['spdx', 'test-lines']);
    const [amd, arm] = built.archImages.map((a) => a.image.manifest.digest);
    const idx = built.index.manifest.digest;
    expect(docs.map((d) => [d.name, d.subject, d.artifactType])).toEqual([
      ['sbom-x86_64.spdx.json', amd, 'application/spdx+json'],
      ['sbom-aarch64.spdx.json', arm, 'application/spdx+json'],
      ['sbom-index.spdx.json', idx, 'application/spdx+json'],
      ['sbom-x86_64.lines.txt', amd, 'text/vnd.apko-nx.test-lines'],
      ['sbom-aarch64.lines.txt', arm, 'text/vnd.apko-nx.test-lines'],
      ['sbom-index.lines.txt', idx, 'text/vnd.apko-nx.test-lines'],
    ]);
    const dir = mkdtempSync(join(root, 'out-'));
    await writeSboms(dir, docs.map((d) => [d.name, d.text] as const));
    for (const d of docs) expect(readFileSync(join(dir, d.name), 'utf8')).toBe(d.text);

    // The same package has the same purl in both formats.
    const lines = readFileSync(join(dir, 'sbom-x86_64.lines.txt'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe(amd);
    const spdx = JSON.parse(readFileSync(join(dir, 'sbom-x86_64.spdx.json'), 'utf8'));
    const spdxPurls = spdx.packages.flatMap((p: { externalRefs?: Array<{ referenceLocator: string }> }) => (p.externalRefs ?? []).map((r) => r.referenceLocator));
    expect(lines.length).toBeGreaterThan(1);
    expect(spdxPurls).toEqual(expect.arrayContaining(lines.slice(1)));
  });

  it('leaves the SPDX bytes as a build without the extra format writes them, and they validate against the SPDX 2.3 schema', () => {
    const spdxOnly = documents();
    expect(spdxOnly.map((d) => d.name)).toEqual(['sbom-x86_64.spdx.json', 'sbom-aarch64.spdx.json', 'sbom-index.spdx.json']);
    expect(documents(['spdx', 'test-lines']).slice(0, 3)).toEqual(spdxOnly);
    const fixtures = fixturesDir();
    const schemaPath = fixtures === undefined ? undefined : join(fixtures, '..', 'schemas', 'spdx-2.3-schema.json');
    if (schemaPath === undefined || !existsSync(schemaPath)) return;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    for (const d of spdxOnly) expect(validate(JSON.parse(d.text)), `${d.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  });

  it('keys the image by the formats asked for, in order, with spdx as the default', () => {
    expect(built.key()).toBe(built.key(['spdx']));
    expect(built.key(['spdx', 'test-lines'])).not.toBe(built.key(['spdx']));
    expect(built.key(['test-lines', 'spdx'])).not.toBe(built.key(['spdx', 'test-lines']));
  });

  it('stores every format with its artifact type and re-emits them from the store', async () => {
    const store = openStore(join(root, 'cache'));
    const sboms = documents(['spdx', 'test-lines']);
    const key = built.key(['spdx', 'test-lines']);
    const facts = new Map(built.archImages.map((a) => [a.image.manifest.digest, { arch: a.arch.apk, packages: a.packages.length, privileged: [] }]));
    await saveImage(store, key, { index: built.index, facts, sboms, buildDate: 0 });
    const loaded = await loadImage(store, key, built.loaded.archs);
    expect(loaded?.sboms).toEqual(sboms);
    expect(await loadImage(store, built.key(['spdx']), built.loaded.archs)).toBeUndefined();
  });

  it('refuses a format asked for twice, and two formats that write the same file', () => {
    expect(() => documents(['spdx', 'spdx'])).toThrow(
      new ConfigError('The SBOM format "spdx" is asked for twice (it writes sbom-x86_64.spdx.json once per build).', {
        hint: 'ask for each SBOM format once, and give formats file names of their own',
      }),
    );
    const clash = registerSbomFormat({ ...LINES, name: 'test-clash' });
    try {
      expect(() => documents(['test-lines', 'test-clash'])).toThrow('The SBOM formats "test-lines" and "test-clash" both write sbom-x86_64.lines.txt.');
    } finally {
      clash();
    }
  });
});

describe('buildImageFromConfig with sbomFormats', () => {
  const build = (out: string, sbomFormats: ReadonlyArray<string | SbomFormat>) =>
    buildImageFromConfig(
      normalizeBuildRequest({ config: configPath, tag: 'example:latest', output: join(root, out, 'oci/'), cacheDir: join(root, 'cache-build'), cwd: workDir, env: {}, sbomFormats }),
    );

  it('writes a registered test-only format beside the SPDX files, and a new format list is a new image key', async () => {
    const spdxOnly = await build('b1', ['spdx']);
    expect(spdxOnly.sboms.map((p) => p.slice(join(root, 'b1').length + 1))).toEqual(['sbom-x86_64.spdx.json', 'sbom-aarch64.spdx.json', 'sbom-index.spdx.json']);

    const both = await build('b2', ['spdx', 'test-lines']);
    // Same packages and config, but the format names are part of the key: nothing is re-emitted from the store.
    expect(both.report.image).toBe('built');
    expect(both.indexDigest).toBe(spdxOnly.indexDigest);
    expect(both.sboms.map((p) => p.slice(join(root, 'b2').length + 1))).toEqual([
      'sbom-x86_64.spdx.json', 'sbom-aarch64.spdx.json', 'sbom-index.spdx.json',
      'sbom-x86_64.lines.txt', 'sbom-aarch64.lines.txt', 'sbom-index.lines.txt',
    ]);
    for (const name of ['sbom-x86_64.spdx.json', 'sbom-index.spdx.json']) {
      expect(readFileSync(join(root, 'b2', name), 'utf8')).toBe(readFileSync(join(root, 'b1', name), 'utf8'));
    }
    expect(readFileSync(join(root, 'b2', 'sbom-index.lines.txt'), 'utf8').split('\n')[0]).toBe(both.indexDigest);
    expect(both.sbomDocs.map((d) => d.artifactType)).toEqual([...Array(3).fill('application/spdx+json'), ...Array(3).fill('text/vnd.apko-nx.test-lines')]);

    // The same list again is the same key: the stored image comes back with every format's documents.
    const again = await build('b3', ['spdx', LINES]);
    expect(again.report.image).toBe('reused');
    expect(again.sbomDocs).toEqual(both.sbomDocs);
    expect(readFileSync(join(root, 'b3', 'sbom-x86_64.lines.txt'), 'utf8')).toBe(readFileSync(join(root, 'b2', 'sbom-x86_64.lines.txt'), 'utf8'));
  });
});
