import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { PipelineError } from '../errors';
import { writeBusyboxRepository } from './testdata/busybox-repository';
import { buildMelangePackages } from './build';
import { normalizeMelangeBuildOptions, type MelangeBuildOptions } from './build-options';
import { makeProject, type Project } from './testdata/project';

/** A test environment of busybox from ./repo, indented by `pad`. */
export const BUSYBOX_ENV = (pad: string) =>
  ['environment:', '  contents:', '    repositories: [./repo]', '    keyring: [./keys/test.rsa.pub]', '    packages: [busybox]'].map((l) => `${pad}${l}\n`).join('');

/** melange.yaml of `greeter`, whose test runs `check` in a root of busybox (from ./repo) and the built package. */
export const GREETER = (check: string, subpackageTest = '') => `package:
  name: greeter
  version: 1.0.0
pipeline:
  - runs: |
      mkdir -p \${{targets.destdir}}/usr/bin
      printf '#!/bin/sh\\necho hello\\n' > \${{targets.destdir}}/usr/bin/greet
      chmod 755 \${{targets.destdir}}/usr/bin/greet
subpackages:
  - name: greeter-doc
    pipeline:
      - runs: mkdir -p \${{targets.contextdir}}/usr/share/doc/greeter && echo docs > \${{targets.contextdir}}/usr/share/doc/greeter/README
${subpackageTest}test:
${BUSYBOX_ENV('  ')}  pipeline:
    - name: greets
      runs: |
${check.split('\n').map((l) => `        ${l}`).join('\n')}
`;

/** Builds in the project's directory as the CLI would there, with a private cache. */
export async function buildIn(p: Project, more: Partial<MelangeBuildOptions> = {}) {
  const cacheDir = mkdtempSync(join(tmpdir(), 'melange-test-cache-'));
  return buildMelangePackages(normalizeMelangeBuildOptions({ configPath: 'melange.yaml', archs: ['x86_64'], cacheDir, sourceDateEpoch: 0, log: p.log, ...more }, p.dir, {}));
}

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

  it('skips the tests with runTests off', async () => {
    const p = makeProject(GREETER('false'));
    const r = await buildIn(p, { runTests: false });
    expect(r.packages).toHaveLength(2);
  });
});
