import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { validateLayout } from '../../engine';
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
  });

  it('gives the same bytes when run again, so Nx cache restores and fresh builds agree', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const read = () => readFileSync(join(root, 'dist/images/app/oci/index.json'));
    const before = read();
    expect(await imageExecutor({ config: 'app/apko.yaml', tag: 'app:latest', outputPath: 'dist/images/app', cacheDir: '.cache' }, executorContext(root))).toEqual({ success: true });
    expect(read().equals(before)).toBe(true);
  });

  it('returns success false with the message and hint, not a stack, when the build fails', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const result = await imageExecutor({ config: 'app/missing.apko.yaml', outputPath: 'dist/images/missing' }, executorContext(root));
    expect(result.success).toBe(false);
    expect(result.error).toContain('missing.apko.yaml');
    expect(result.error).not.toMatch(/\n\s+at /);
    expect(String(err.mock.calls[0]![0])).toMatch(/^building app:latest failed: /);
  });
});
