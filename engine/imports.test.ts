import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The pipeline's one-way import rule (STYLE.md practice 1). Every engine file
 * may import errors.ts, digest.ts and the leaves tar/, fs/ and net/; beyond that,
 * only the stages listed for its own stage. melange may import any stage;
 * build.ts and index.ts sit on top of everything.
 */
const ALLOWED: Record<string, readonly string[]> = {
  apk: [],
  store: [],
  tar: [],
  fs: [],
  net: [],
  config: ['apk'],
  repo: ['apk', 'store'],
  resolve: ['apk'],
  lock: ['config', 'resolve', 'apk'],
  rootfs: ['apk', 'config'],
  layer: ['rootfs'],
  oci: ['layer'],
  sbom: ['apk', 'resolve'],
  example: ['apk'],
};
const EVERYONE = new Set(['errors', 'digest', 'tar', 'fs', 'net']);

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
      if (to === from || EVERYONE.has(to)) continue;
      if (from === 'melange' || from === 'build' || from === 'index') {
        if (to === 'build' || to === 'index') {
          if (from === 'melange') bad.push(`${relative(ENGINE, file)} imports ${spec} (melange must not import the orchestrator)`);
        }
        continue;
      }
      if (to === 'melange') {
        bad.push(`${relative(ENGINE, file)} imports ${spec} (no stage imports melange)`);
        continue;
      }
      const allowed = ALLOWED[from];
      if (allowed === undefined || !allowed.includes(to)) bad.push(`${relative(ENGINE, file)}: ${from} → ${to} (${spec})`);
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
    const unknown = dirs.filter((d) => !(d in ALLOWED) && !['melange', 'build', 'testdata'].includes(d));
    expect(unknown).toEqual([]);
  });
});
