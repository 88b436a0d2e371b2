import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The pipeline's one-way import rule (docs/ARCHITECTURE.md, "The rules the
 * code keeps"). Every engine file may import the leaves, which
 * hold one rule each; beyond that, only the stages listed for its own stage.
 * Nothing imports melange but index.ts, and no stage imports index.ts.
 */
const ALLOWED: Record<string, readonly string[]> = {
  apk: [],
  store: [],
  config: ['apk'],
  repo: ['apk', 'store'],
  resolve: ['apk'],
  lock: ['apk'],
  fetch: ['apk', 'config', 'lock', 'repo', 'resolve', 'store'],
  rootfs: ['apk'],
  buildroot: ['apk', 'config', 'fetch', 'rootfs', 'store'],
  layer: ['rootfs'],
  cpio: [],
  cache: ['config', 'fetch', 'layer', 'oci', 'rootfs', 'sbom', 'store'],
  oci: ['layer'],
  registry: ['oci'],
  sbom: ['apk', 'resolve'],
  image: ['apk', 'buildroot', 'cache', 'config', 'cpio', 'example', 'fetch', 'layer', 'lock', 'oci', 'repo', 'resolve', 'rootfs', 'sbom', 'store'],
  publish: ['config', 'image', 'oci', 'registry', 'sbom', 'store'],
  melange: ['apk', 'buildroot', 'config', 'rootfs', 'sbom', 'store'],
  example: ['apk'],
  // The public entries: the verbs (index), the light workspace facts, the format-level helpers.
  index: ['*'],
  workspace: ['*'],
  format: ['*'],
};
/** The shared leaves: one rule each, importable from every stage. */
const LEAVES = new Set(['defaults', 'errors', 'digest', 'order', 'json', 'time', 'arch', 'redact', 'reference', 'os-release', 'git', 'tool-version', 'elf', 'tar', 'fs', 'net', 'yaml', 'report']);

const ENGINE = resolve(__dirname);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'testdata') out.push(...sourceFiles(p));
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) {
      out.push(p);
    }
  }
  return out;
}

/** The engine-relative stage of a file: its first path segment (without .ts for top-level files). */
function stageOf(file: string): string {
  const rel = relative(ENGINE, file).split(sep);
  return rel.length === 1 ? rel[0]!.replace(/\.ts$/, '') : rel[0]!;
}

/** Every import edge `from stage → to stage` that the table does not allow. */
function illegalEdges(): string[] {
  const bad: string[] = [];
  for (const file of sourceFiles(ENGINE)) {
    const from = stageOf(file);
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    for (const spec of specs) {
      if (/^(@nx|nx)(\/|$)/.test(spec)) bad.push(`${relative(ENGINE, file)} imports ${spec} (no Nx in engine/)`);
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(ENGINE)) {
        bad.push(`${relative(ENGINE, file)} imports ${spec}, outside engine/`);
        continue;
      }
      const to = stageOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (to === from || LEAVES.has(to)) continue;
      if (to === 'index' || to === 'workspace' || to === 'format') {
        bad.push(`${relative(ENGINE, file)} imports ${spec} (no stage imports the public API)`);
        continue;
      }
      const allowed = ALLOWED[from] ?? (LEAVES.has(from) ? [] : undefined);
      if (allowed === undefined || !(allowed.includes('*') || allowed.includes(to))) bad.push(`${relative(ENGINE, file)}: ${from} → ${to} (${spec})`);
    }
  }
  return bad.sort();
}

describe('engine import rules', () => {
  it('has no import edge outside the pipeline table', () => {
    expect(illegalEdges()).toEqual([]);
  });

  it('covers every stage directory that exists', () => {
    const dirs = readdirSync(ENGINE).filter((n) => statSync(join(ENGINE, n)).isDirectory());
    // Data folders hold no code: the test fixtures, and the public keys shipped with the package.
    const data = new Set(['testdata', 'trusted-keys']);
    const unknown = dirs.filter((d) => !(d in ALLOWED) && !LEAVES.has(d) && !data.has(d));
    expect(unknown).toEqual([]);
  });
});
