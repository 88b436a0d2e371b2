/**
 * Test support: a signed local repository holding this machine's static
 * busybox (a link per applet), enough for /bin/sh pipelines in a root the
 * build root stage makes; and `greeter`, a project whose tests run in one.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMelangePackages } from '../build';
import { normalizeMelangeBuildOptions, type MelangeBuildOptions } from '../build-options';
import type { Project } from './project';
import { generateKeyPair } from '../../apk/keys';
import { writeLocalRepository } from '../../example/local-repository';

/** Writes `<dir>/repo` (busybox 1.36.1-r0 for x86_64) and its key as `<dir>/keys/test.rsa.pub`. */
export async function writeBusyboxRepository(dir: string): Promise<void> {
  const key = generateKeyPair('test', 2048);
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'test.rsa.pub'), key.publicKeyPem);
  const busybox = execFileSync('sh', ['-c', 'command -v busybox']).toString().trim();
  const applets = execFileSync(busybox, ['--list']).toString().split('\n').filter((a) => a !== '' && a !== 'busybox');
  await writeLocalRepository(join(dir, 'repo'), {
    key,
    archs: ['x86_64'],
    packages: [
      {
        name: 'busybox',
        version: '1.36.1-r0',
        files: [
          { path: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(busybox) },
          ...applets.map((a) => ({ path: `bin/${a}`, type: 'symlink' as const, mode: 0o777, linkname: '/bin/busybox' })),
        ],
      },
    ],
  });
}

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
  return buildMelangePackages(normalizeMelangeBuildOptions({ configPath: 'melange.yaml', archs: ['x86_64'], apkCacheDir: cacheDir, sourceDateEpoch: 0, log: p.log, ...more }, p.dir, {}));
}
