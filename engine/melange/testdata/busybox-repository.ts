/**
 * Test support: a signed local repository holding this machine's static
 * busybox (a link per applet), enough for /bin/sh pipelines in a root the
 * build root stage makes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
