/**
 * An image built on a base image (`contents.baseimage`) runs: apko-nx builds
 * a base with busybox, its installed database becomes the APKINDEX the
 * on-top config names, and the image built on it is unpacked with umoci
 * (which checks every diff_id, the base's included) and run with runc: the
 * base's entrypoint runs a program the new layer added. Needs root, runc,
 * umoci, skopeo and busybox: skipped with a notice without them, failed under CI=true.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync, sh } from './support/cli';
import { hasTool, isRoot } from './support/env';
import { apkoYaml, BASELAYOUT, busyboxPackage, makeWorkspace, type TestWorkspace } from './support/workspace';
import { readLayoutView } from './conformance/layout-view';

const TOOLS = ['skopeo', 'umoci', 'runc', 'busybox'];
const missing = [...TOOLS.filter((t) => !hasTool(t)), ...(isRoot() ? [] : ['root'])];
if (missing.length > 0 && process.env.CI !== 'true') console.warn(`[skip] e2e/base-image-run.test.ts needs ${missing.join(', ')}; skipping`);

const HELLO = { name: 'hello', version: '1-r0', license: 'MIT', builddate: 1700000100, depends: ['busybox'], files: [{ path: 'usr/bin/hello', type: 'file' as const, mode: 0o755, data: '#!/bin/sh\necho "hello from the new layer"\n' }] };

describe('an image built on a base image', () => {
  let ws: TestWorkspace;
  let out: string;

  beforeAll(async () => {
    if (missing.length > 0) return;
    ws = await makeWorkspace([BASELAYOUT, busyboxPackage()!, HELLO], ['x86_64']);
    ws.write('base.yaml', apkoYaml(ws, { packages: ['test-baselayout', 'busybox'], archs: ['x86_64'], extra: 'entrypoint:\n  command: /bin/sh -c "echo from the base; /usr/bin/hello; id -u"\n' }));
    mkdirSync(join(ws.dir, 'base'));
    const base = await runCliAsync(['build', 'base.yaml', 'base:1', 'base', '--sbom=false', '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir });
    expect(base.code, base.stderr).toBe(0);
    const installed = readLayoutView(join(ws.dir, 'base')).images[0]!.layers[0]!.entries.find((e) => e.name === 'usr/lib/apk/db/installed')!;
    mkdirSync(join(ws.dir, 'apkindex', 'x86_64'), { recursive: true });
    writeFileSync(join(ws.dir, 'apkindex', 'x86_64', 'APKINDEX'), installed.data);
    const top = apkoYaml(ws, { packages: ['hello'], archs: ['x86_64'] }).replace('contents:\n', 'contents:\n  baseimage:\n    image: base\n    apkindex: apkindex\n');
    ws.write('apko.yaml', top);
    out = join(ws.dir, 'out');
    mkdirSync(out);
    const r = await runCliAsync(['build', 'apko.yaml', 'top:1', out, '--sbom=false', '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('unpacks with umoci and runs the base entrypoint with runc, reaching the new layer', (ctx) => {
    if (missing.length > 0) {
      if (process.env.CI === 'true') throw new Error(`CI=true but ${missing.join(', ')} missing; the runner must provide them`);
      ctx.skip();
    }
    const work = mkdtempSync(join(tmpdir(), 'base-runc-'));
    sh('skopeo', ['copy', '--override-arch', 'amd64', 'oci:' + out + ':top:1', `oci:${join(work, 'single')}:img`]);
    sh('umoci', ['unpack', '--image', `${join(work, 'single')}:img`, join(work, 'bundle')]);
    const rootfs = join(work, 'bundle', 'rootfs');
    expect(readFileSync(join(rootfs, 'etc', 'os-release'), 'utf8')).toContain('ID=testos');
    const db = readFileSync(join(rootfs, 'usr', 'lib', 'apk', 'db', 'installed'), 'utf8');
    expect([...db.matchAll(/^P:(.*)$/gm)].map((m) => m[1])).toEqual(['busybox', 'test-baselayout', 'hello']);
    const configPath = join(work, 'bundle', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    config.process.terminal = false;
    writeFileSync(configPath, JSON.stringify(config));
    const output = sh('runc', ['run', '--bundle', join(work, 'bundle'), `apko-base-${process.pid}`]);
    expect(output.trim().split('\n')).toEqual(['from the base', 'hello from the new layer', '0']);
  });
});
