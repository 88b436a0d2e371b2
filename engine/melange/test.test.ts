import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { hasTool } from '../../e2e/support/env';
import { PipelineError } from '../errors';
import { melangeTest } from './test';
import { GREETER, buildIn, writeBusyboxRepository } from './testdata/busybox-repository';
import { makeProject } from './testdata/project';

/** Runs the CLI in this process, collecting what it prints. */
async function cli(args: string[], cwd: string, cacheDir: string): Promise<{ code: number; err: string[] }> {
  const err: string[] = [];
  const code = await main(args, { cwd, env: { PATH: process.env.PATH ?? '', APKO_CACHE_DIR: cacheDir }, out: () => undefined, err: (l) => err.push(l) });
  return { code, err };
}

describe.skipIf(!(hasTool('bwrap') && hasTool('busybox')))('melange test (bubblewrap)', () => {
  it('runs the same test on the built packages in packages/<arch>/, and fails when the test does', async () => {
    const p = makeProject(GREETER('[ "$(greet)" = hello ]'));
    await writeBusyboxRepository(p.dir);
    const built = await buildIn(p, { runTests: false });
    const cache = mkdtempSync(join(tmpdir(), 'melange-test-cache-'));
    const ok = await cli(['melange', 'test', 'melange.yaml', '--arch', 'x86_64'], p.dir, cache);
    expect(ok.err.join('\n')).toContain('test of greeter passed');
    expect(ok.code).toBe(0);
    expect(ok.err).toContain('1 test section passed');

    // The same packages against a test they do not pass.
    writeFileSync(p.config, GREETER('[ "$(greet)" = goodbye ]'));
    const bad = await cli(['melange', 'test', 'melange.yaml', built.packages[0]!.path, '--arch', 'x86_64'], p.dir, cache);
    expect(bad.code).not.toBe(0);
    expect(bad.err.join('\n')).toContain('greeter (test): step "greets" failed with exit code 1');
  });

  it("takes a repository directory, and a package name as melange's package-name argument", async () => {
    const p = makeProject(GREETER('[ "$(greet)" = hello ]'));
    await writeBusyboxRepository(p.dir);
    await buildIn(p, { runTests: false });
    const r = await melangeTest({ configPath: 'melange.yaml', archs: ['x86_64'], target: 'packages', log: p.log, apkCacheDir: mkdtempSync(join(tmpdir(), 'c-')) }, p.dir, {});
    expect(r.passed).toBe(1);
    // The main test installs greeter-doc instead of greeter: greet is missing there.
    const err = await melangeTest({ configPath: 'melange.yaml', archs: ['x86_64'], target: 'greeter-doc', log: p.log, apkCacheDir: mkdtempSync(join(tmpdir(), 'c-')) }, p.dir, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect(p.logs).toContain('build environment: busybox, greeter-doc for x86_64');
  });

  it('says so when the config has no tests', async () => {
    const p = makeProject(GREETER('true').replace(/test:\n[\s\S]*$/, ''));
    const r = await melangeTest({ configPath: 'melange.yaml', archs: ['x86_64'], log: p.log }, p.dir, {});
    expect(r.passed).toBe(0);
    expect(p.logs.some((l) => l.endsWith('has no test: sections with steps; nothing to test'))).toBe(true);
  });
});
