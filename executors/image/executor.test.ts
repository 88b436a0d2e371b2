import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateLayout } from '../../engine/format';
import { executorContext, makeExecutorWorkspace } from '../testdata/workspace';
import imageExecutor from './executor';

let root: string;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
});

afterEach(() => vi.restoreAllMocks());

describe('image executor', () => {
  it('builds an OCI layout into <outputPath>/oci with SBOMs beside it, resolving the config\'s paths from its directory', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await imageExecutor(
      { config: 'app/apko.yaml', tag: 'app:latest', outputPath: 'dist/images/app', cacheDir: '.cache' },
      executorContext(root),
    );
    expect(result).toEqual({ success: true });
    const summary = await validateLayout(join(root, 'dist/images/app/oci'));
    expect(summary.manifests).toBe(1);
    const index = JSON.parse(readFileSync(join(root, 'dist/images/app/oci/index.json'), 'utf8'));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('app:latest');
    expect(readdirSync(join(root, 'dist/images/app')).sort()).toEqual(['oci', 'sbom-index.spdx.json', 'sbom-x86_64.spdx.json']);
    const printed = out.mock.calls.map((c) => String(c[0]));
    expect(printed.some((l) => l.startsWith('app:latest@sha256:'))).toBe(true);
    // Progress of the long steps, as the CLI prints it on stderr.
    expect(printed).toContain('x86_64: fetched 1/1 packages');
    expect(printed).toContain('x86_64: layer 1/1 written');
  });

  it('gives the same bytes when run again, so Nx cache restores and fresh builds agree', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const read = () => readFileSync(join(root, 'dist/images/app/oci/index.json'));
    const before = read();
    expect(await imageExecutor({ config: 'app/apko.yaml', tag: 'app:latest', outputPath: 'dist/images/app', cacheDir: '.cache' }, executorContext(root))).toEqual({ success: true });
    expect(read().equals(before)).toBe(true);
  });

  it('takes annotations and a build date as the CLI\'s --annotations and --build-date do', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const options = { config: 'app/apko.yaml', outputPath: 'dist/images/annotated', cacheDir: '.cache', annotations: { 'org.example.team': 'platform' }, buildDate: '2024-01-02T03:04:05Z' };
    expect(await imageExecutor(options, executorContext(root))).toEqual({ success: true });
    const blob = (digest: string) => JSON.parse(readFileSync(join(root, 'dist/images/annotated/oci/blobs/sha256', digest.slice('sha256:'.length)), 'utf8'));
    const index = blob(JSON.parse(readFileSync(join(root, 'dist/images/annotated/oci/index.json'), 'utf8')).manifests[0].digest);
    const manifest = blob(index.manifests[0].digest);
    for (const doc of [index, manifest]) expect(doc.annotations).toEqual({ 'org.example.team': 'platform', 'org.opencontainers.image.created': '2024-01-02T03:04:05Z' });
    expect(blob(manifest.config.digest).created).toBe('2024-01-02T03:04:05Z');
  });

  it('refuses an SBOM format the engine does not know, naming the known ones', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await imageExecutor({ config: 'app/apko.yaml', outputPath: 'dist/images/cdx', cacheDir: '.cache', sbomFormats: ['cyclonedx'] }, executorContext(root));
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^Unknown SBOM format "cyclonedx"; the known formats are: .*spdx/);
  });

  it('returns success false with the message and hint, not a stack, when the build fails', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await imageExecutor({ config: 'app/missing.apko.yaml', outputPath: 'dist/images/missing' }, executorContext(root));
    expect(result.success).toBe(false);
    expect(result.error).toContain('missing.apko.yaml');
    expect(result.error).not.toMatch(/\n\s+at /);
    expect(String(err.mock.calls[0]![0])).toMatch(/^building app-missing:latest failed: /);
  });

  it('names the project\'s lock target when the lock file is stale, and takes the CLI\'s safety options', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    writeFileSync(join(root, 'app', 'apko.lock.json'), JSON.stringify({ version: 'v1', config: { name: 'apko.yaml', checksum: 'sha256-stale' }, contents: { keyring: [], build_repositories: [], repositories: [], packages: [] } }));
    const result = await imageExecutor(
      { config: 'app/apko.yaml', outputPath: 'dist/images/locked', cacheDir: '.cache', lockfile: 'app/apko.lock.json', lockTarget: 'lock', strictProviders: true, fetchTimeout: '30s', maxApkDataSize: '1000000' },
      executorContext(root),
    );
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/was made for another version of .*apko\.yaml/);
    expect(result.error).toContain('hint: re-run nx run app:lock to update the lock file');
    expect(String(err.mock.calls[0]![0])).toMatch(/^building app:latest failed: /);
  });

  it('refuses a tag publish would refuse, before building', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await imageExecutor({ config: 'app/apko.yaml', tag: '@ws/api:latest', outputPath: 'dist/images/bad' }, executorContext(root));
    expect(result.success).toBe(false);
    expect(result.error).toBe('the tag "@ws/api:latest" is not a valid image reference: a name cannot start with @\nhint: write the scoped name without its @, e.g. ws/api:latest (as the default tag does)');
  });

  it('tags a scoped project\'s image with a valid default reference', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await imageExecutor({ config: 'app/apko.yaml', outputPath: 'dist/images/scoped', cacheDir: '.cache' }, executorContext(root, '@ws/api'))).toEqual({ success: true });
    const index = JSON.parse(readFileSync(join(root, 'dist/images/scoped/oci/index.json'), 'utf8'));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('ws/api:latest');
  });
});
