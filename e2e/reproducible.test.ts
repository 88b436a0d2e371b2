import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli, runCliAsync } from './support/cli';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * Two builds of the same config and packages give byte-identical layouts,
 * whatever the cwd, umask, time zone, locale, cache state or parallelism.
 */

/** Every file of a layout as name → bytes (hex digest names make this the whole content). */
function layoutBytes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  out['index.json'] = readFileSync(join(dir, 'index.json'), 'hex');
  out['oci-layout'] = readFileSync(join(dir, 'oci-layout'), 'hex');
  for (const name of readdirSync(join(dir, 'blobs', 'sha256')).sort()) out[name] = readFileSync(join(dir, 'blobs', 'sha256', name), 'hex');
  return out;
}

const EXTRA = `
accounts:
  users:
    - username: svc
      uid: 2000
  run-as: svc
paths:
  - path: /data
    type: directory
    uid: 2000
    gid: 2000
    permissions: 0o750
environment:
  B: "2"
  A: "1"
annotations:
  org.opencontainers.image.vendor: Tests
`;

describe('reproducible builds', () => {
  let ws: TestWorkspace;
  let config: string;
  let reference: Record<string, string>;

  function build(name: string, opts: { cwd?: string; env?: Record<string, string | undefined>; umask?: string; cache?: string } = {}) {
    const out = join(ws.dir, name);
    mkdirSync(out);
    const r = runCli(['build', config, 'repro:1', out, '--cache-dir', opts.cache ?? join(ws.dir, `cache-${name}`)], {
      cwd: opts.cwd ?? ws.dir,
      env: cleanEnv(opts.env ?? {}),
      ...(opts.umask ? { umask: opts.umask } : {}),
    });
    expect(r.stderr + r.stdout).toContain('repro:1@sha256:');
    expect(r.code).toBe(0);
    return layoutBytes(out);
  }

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT]);
    config = ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout'], extra: EXTRA }));
    reference = build('reference');
  });

  it('is byte-identical from another working directory', () => {
    mkdirSync(join(ws.dir, 'elsewhere'));
    expect(build('cwd', { cwd: join(ws.dir, 'elsewhere') })).toEqual(reference);
  });

  it('is byte-identical under another umask', () => {
    expect(build('umask', { umask: '077' })).toEqual(reference);
  });

  it('is byte-identical in another time zone and locale', () => {
    expect(build('tz', { env: { TZ: 'Pacific/Kiritimati', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' } })).toEqual(reference);
  });

  it('is byte-identical with a warm cache', () => {
    const cache = join(ws.dir, 'shared-cache');
    expect(build('cold', { cache })).toEqual(reference);
    expect(build('warm', { cache })).toEqual(reference);
  });

  it('is byte-identical when builds run in parallel sharing one cache', async () => {
    const cache = join(ws.dir, 'parallel-cache');
    const outs = ['p1', 'p2', 'p3'].map((n) => join(ws.dir, n));
    for (const o of outs) mkdirSync(o);
    const runs = await Promise.all(outs.map((o) => runCliAsync(['build', config, 'repro:1', o, '--cache-dir', cache], { cwd: ws.dir })));
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    for (const o of outs) expect(layoutBytes(o)).toEqual(reference);
  });

  it('changes when SOURCE_DATE_EPOCH changes, and only in time fields', () => {
    const other = build('sde', { env: { SOURCE_DATE_EPOCH: '1800000000' } });
    expect(other['index.json']).not.toEqual(reference['index.json']);
  });
});
