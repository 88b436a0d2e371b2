import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cli';
import { isRoot } from './support/env';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Bad input: each gives a clear error naming the file, package or path, a
 * non-zero exit, no stack trace, and the previous output left intact.
 */
describe('build errors', () => {
  let ws: TestWorkspace;
  let out: string;
  let before: string;

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT]);
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout'] }));
    out = join(ws.dir, 'out');
    mkdirSync(out);
    const r = runCli(['build', 'apko.yaml', 'err:1', out], { cwd: ws.dir });
    expect(r.code).toBe(0);
    before = readFileSync(join(out, 'index.json'), 'utf8');
  });

  function expectPreviousOutput() {
    expect(readFileSync(join(out, 'index.json'), 'utf8')).toBe(before);
    expect(readdirSync(ws.dir).filter((n) => n.startsWith('.out') || n.includes('.tmp'))).toEqual([]);
  }

  it('reports a malformed config with file, line and column', () => {
    ws.write('bad.yaml', 'contents:\n  packags:\n    - foo\n');
    const r = runCli(['build', 'bad.yaml', 'err:1', out], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml:2:3: contents\.packags: unknown key "packags"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expectPreviousOutput();
  });

  it('reports an unknown package the way apk does', () => {
    ws.write('unknown.yaml', apkoYaml(ws, { packages: ['test-baselayout', 'no-such-thing'] }));
    const r = runCli(['build', 'unknown.yaml', 'err:1', out], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unable to select packages:');
    expect(r.stderr).toContain('no-such-thing (no such package)');
    expect(r.stderr).toContain('required by: world[no-such-thing]');
    expectPreviousOutput();
  });

  it('refuses a tampered package, naming it', async () => {
    const tampered = await makeWorkspace([BASELAYOUT], ['x86_64']);
    const apk = join(tampered.repo, 'x86_64', 'test-baselayout-1.0.0-r0.apk');
    const bytes = readFileSync(apk);
    // Flip a byte inside the control member (after the signature member).
    bytes[900] = bytes[900]! ^ 0xff;
    writeFileSync(apk, bytes);
    tampered.write('apko.yaml', apkoYaml(tampered, { packages: ['test-baselayout'], archs: ['x86_64'] }));
    const r = runCli(['build', 'apko.yaml', 'err:1', out], { cwd: tampered.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/test-baselayout-1\.0\.0-r0/);
    expectPreviousOutput();
  });

  it('refuses an index signed by a key that is not trusted', async () => {
    const other = await makeWorkspace([BASELAYOUT], ['x86_64']);
    other.write('apko.yaml', apkoYaml(other, { packages: ['test-baselayout'], archs: ['x86_64'] }).replace(/keyring:\n\s+- \S+/, 'keyring: []'));
    const r = runCli(['build', 'apko.yaml', 'err:1', out], { cwd: other.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('APKINDEX.tar.gz');
    expect(r.stderr).toContain(other.key.publicKeyName);
    expect(r.stderr).toContain('hint:');
    expectPreviousOutput();
  });

  it.skipIf(!isRoot())('reports an output path that is not writable', () => {
    // Root ignores permission bits, so use a path whose parent is a file.
    const r = runCli(['build', 'apko.yaml', 'err:1', join(ws.dir, 'apko.yaml', 'image.tar')], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a writable directory');
    expectPreviousOutput();
  });

  it('refuses to replace a directory that is not an OCI layout', () => {
    const dir = join(ws.dir, 'precious');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const r = runCli(['build', 'apko.yaml', 'err:1', dir], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
    expect(existsSync(join(dir, 'index.json'))).toBe(false);
  });

  it('reports a missing config file by name', () => {
    const r = runCli(['build', 'nope.yaml', 'err:1', out], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('nope.yaml');
    chmodSync(out, 0o755);
    expectPreviousOutput();
  });

  it('exits 2 with usage on a wrong argument count or unknown flag', () => {
    expect(runCli(['build', 'apko.yaml'], { cwd: ws.dir }).code).toBe(2);
    const r = runCli(['build', 'apko.yaml', 't', out, '--no-such-flag'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown flag --no-such-flag');
  });
});

describe('features apko-nx does not build', () => {
  it.each([
    ['format: erofs', 'format: erofs\n', /format: erofs is not supported/],
    ['contents.baseimage that is not an OCI layout', 'contents:\n  baseimage:\n    image: ./base\n    apkindex: ./base-index\n', /base: not an OCI layout/],
  ])('refuses %s with a clear error instead of building something else', async (_what, yaml, message) => {
    const ws = await makeWorkspace([BASELAYOUT], ['x86_64']);
    ws.write('apko.yaml', yaml.startsWith('contents') ? `${yaml}archs: [x86_64]\n` : apkoYaml(ws, { packages: ['test-baselayout'], archs: ['x86_64'], extra: yaml }));
    const r = runCli(['build', 'apko.yaml', 'x:1', join(ws.dir, 'x.tar')], { cwd: ws.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('hint:');
  });
});
