/** A build root of this machine's static busybox with a link per applet, written where the build root stage would write it (a PrepareRoot for tests). */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

export async function busyboxRoot(_env: unknown, _arch: unknown, dir: string): Promise<void> {
  const busybox = execFileSync('sh', ['-c', 'command -v busybox']).toString().trim();
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(busybox, join(dir, 'bin', 'busybox'));
  for (const applet of execFileSync(busybox, ['--list']).toString().split('\n')) {
    if (applet !== '' && applet !== 'busybox' && !existsSync(join(dir, 'bin', applet))) symlinkSync('busybox', join(dir, 'bin', applet));
  }
}
