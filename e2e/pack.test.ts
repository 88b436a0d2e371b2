import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv } from './support/cli';
import { hasTool, ROOT } from './support/env';

/**
 * What `npm pack` ships from a clean clone of the committed tree: no dist/
 * exists there, so the package must build itself (prepack), and everything
 * package.json, generators.json and executors.json name must be in the
 * tarball, and nothing that is only for development.
 */
const ready = hasTool('git');

function spawnOk(cwd: string, cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: cleanEnv({ npm_config_loglevel: 'error' }) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}) in ${cwd}:\n${out}${err}`))));
  });
}

/** `./dist/x/y` or `./dist/x/y.js` as the path inside the package. */
const inPackage = (p: string) => p.replace(/^\.\//, '');
const withJs = (p: string) => (/\.(js|json|d\.ts)$/.test(p) ? inPackage(p) : `${inPackage(p)}.js`);

describe.skipIf(!ready)('npm pack of a clean clone', () => {
  let clone: string;
  let files: string[];
  const json = (name: string) => JSON.parse(readFileSync(join(clone, name), 'utf8'));

  beforeAll(async () => {
    clone = mkdtempSync(join(tmpdir(), 'apko-nx-pack-clone-'));
    await spawnOk(tmpdir(), 'git', ['clone', '-q', ROOT, clone]);
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(clone, 'node_modules'));
    // --dry-run still runs prepack, which is what must make dist/ here.
    const out = await spawnOk(clone, 'npm', ['pack', '--dry-run', '--json']);
    files = (JSON.parse(out.slice(out.indexOf('['))) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
  }, 300_000);

  afterAll(() => {
    if (clone) rmSync(clone, { recursive: true, force: true });
  });

  it('builds dist/ and ships the plugin entry point and the CLI', () => {
    expect(files).toContain('dist/plugin/index.js');
    expect(files).toContain('bin/apko-nx.js');
    expect(files).toContain('package.json');
  });

  it('ships the bundled public keys key discovery trusts first', () => {
    expect(files).toContain('engine/trusted-keys/alpine/alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub');
    expect(files).toContain('engine/trusted-keys/wolfi/wolfi-signing.rsa.pub');
  });

  it('ships every generator and executor factory and schema the collections name', () => {
    const generators = Object.values(json('generators.json').generators as Record<string, { factory: string; schema: string }>);
    const executors = Object.values(json('executors.json').executors as Record<string, { implementation: string; schema: string }>);
    expect(generators.length).toBeGreaterThan(0);
    expect(executors.length).toBeGreaterThan(0);
    const named = [...generators.flatMap((g) => [withJs(g.factory), inPackage(g.schema)]), ...executors.flatMap((e) => [withJs(e.implementation), inPackage(e.schema)])];
    expect(named.filter((p) => !files.includes(p))).toEqual([]);
  });

  it('ships every file package.json exports, bin, main and types name', () => {
    const pkg = json('package.json');
    const leaves = (v: unknown): string[] => (typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(leaves) : []);
    const named = [...leaves(pkg.exports), ...leaves(pkg.bin), pkg.main, pkg.types, pkg.executors, pkg.generators].map(inPackage);
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((p) => !files.includes(p))).toEqual([]);
  });

  it('ships no tests, TypeScript sources or development files', () => {
    expect(files.filter((f) => /\.test\.(ts|js)$|(^|\/)testdata\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^(e2e|bench|fuzz|docs)\//.test(f) || f.startsWith('tsconfig') || f === 'vitest.config.ts')).toEqual([]);
  });
});
