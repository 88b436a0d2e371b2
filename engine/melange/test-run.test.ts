import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { ConfigError, PipelineError } from '../errors';
import { BUSYBOX_ENV, GREETER, buildIn, writeBusyboxRepository } from './testdata/busybox-repository';
import { makeProject, readPackage } from './testdata/project';

describe.skipIf(!(hasTool('bwrap') && hasTool('busybox')))('melange build with test: sections (bubblewrap)', () => {
  it('runs the test in a fresh root of the test environment and the built package, then writes the packages', async () => {
    const p = makeProject(GREETER('[ "$(greet)" = hello ]\n[ "$(pwd)" = /home/build ] && [ ! -e melange.yaml ]\n[ ! -e /usr/share/doc/greeter ]'));
    await writeBusyboxRepository(p.dir);
    const r = await buildIn(p);
    expect(r.packages.map((x) => x.name)).toEqual(['greeter', 'greeter-doc']);
    expect(p.logs).toContain(`running the test pipeline of greeter (${join(p.dir, 'melange.yaml')}: test.pipeline)`);
    expect(p.logs).toContain('build environment: busybox, greeter for x86_64');
    expect(p.logs).toContain('test of greeter passed');
  });

  it('fails the build when a test fails, naming the test step, and writes nothing', async () => {
    const p = makeProject(GREETER('[ "$(greet)" = goodbye ]'));
    await writeBusyboxRepository(p.dir);
    const err = await buildIn(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).message).toMatch(/^greeter \(test\): step "greets" failed with exit code 1 \(.*melange\.yaml: test\.pipeline\[0\]\)/);
    expect(existsSync(join(p.dir, 'packages'))).toBe(false);
  });

  it("runs a subpackage's test in its own root, with the subpackage installed", async () => {
    const sub = `    test:
${BUSYBOX_ENV('      ')}      pipeline:
        - runs: |
            grep -q docs /usr/share/doc/greeter/README
            ! command -v greet
`;
    const p = makeProject(GREETER('greet', sub));
    await writeBusyboxRepository(p.dir);
    await buildIn(p);
    expect(p.logs).toContain('test of greeter-doc passed');
    expect(p.logs).toContain('build environment: busybox, greeter-doc for x86_64');
  });

  it("does not run the tests of another architecture's packages, and says so", async () => {
    const other = process.arch === 'arm64' ? 'x86_64' : 'aarch64';
    const p = makeProject(GREETER('false'));
    const r = await buildIn(p, { archs: [other] });
    expect(r.packages).toHaveLength(2);
    expect(p.logs.find((l) => l.startsWith(`warning: not running the test: sections for ${other}`))).toBeDefined();
  });

  it("takes the build environment's repositories and keyring when the test environment names none", async () => {
    const yaml = GREETER('[ "$(greet)" = hello ]')
      .replace('      repositories: [./repo]\n      keyring: [./keys/test.rsa.pub]\n', '')
      .replace('pipeline:\n', 'environment:\n  contents:\n    repositories: [./repo]\n    keyring: [./keys/test.rsa.pub]\npipeline:\n');
    expect(yaml).toContain('test:\n  environment:\n    contents:\n      packages: [busybox]');
    const p = makeProject(yaml);
    await writeBusyboxRepository(p.dir);
    await buildIn(p);
    expect(p.logs).toContain('test of greeter passed');
  });

  it('skips the tests with runTests off', async () => {
    const p = makeProject(GREETER('false'));
    const r = await buildIn(p, { runTests: false });
    expect(r.packages).toHaveLength(2);
  });
});

describe('melange build with a test that cannot load', () => {
  const yaml = GREETER('true').replace('    - name: greets\n      runs: |\n        true\n', '    - uses: test/tw/ldd-check\n');

  it('fails at load naming the step, and says how to build without the tests', async () => {
    const p = makeProject(yaml);
    const err = await buildIn(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('test.pipeline[0].uses');
    expect((err as ConfigError).message).toContain('uses: test/tw/ldd-check is not a pipeline');
    expect((err as ConfigError).hint).toContain('or build without running the tests (--run-tests=false; runTests: false in the package executor)');
  });

  it('builds with runTests off, the step still counting for the linters', async () => {
    const p = makeProject(yaml.replace('chmod 755 ${{targets.destdir}}/usr/bin/greet', 'chmod 755 ${{targets.destdir}}/usr/bin/greet\n      mkdir -p ${{targets.destdir}}/usr/lib && touch ${{targets.destdir}}/usr/lib/libg.so.1'));
    const r = await buildIn(p, { runTests: false, runner: 'host' });
    expect(readPackage(r.packages[0]!.path).dataEntries.map((e) => e.name)).toContain('usr/lib/libg.so.1');
    expect(p.logs.some((l) => l.includes('[lddcheck]'))).toBe(false);
  });
});
