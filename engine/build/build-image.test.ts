import { mkdtempSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { writeExampleWorkspace, type ExampleWorkspace } from '../example/example-workspace';
import { validateLayout } from '../oci';
import { buildImageFromConfig } from './build-image';
import { normalizeBuildOptions } from './options';

let ws: ExampleWorkspace;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'apko-build-'));
  ws = await writeExampleWorkspace(join(root, 'ws'));
});

function build(out: string, extra: Record<string, unknown> = {}) {
  return buildImageFromConfig(
    normalizeBuildOptions({ config: ws.configPath, tag: 'example:latest', output: out, cacheDir: join(root, 'cache'), cwd: ws.dir, env: {}, ...extra }),
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
