/**
 * Removing a runner's directory after a build, whatever its steps did. A step
 * running as root on the host (runner `host`) can leave a mount inside the
 * workspace: removing through it would fail on the busy mount point, or worse,
 * follow a bind mount and delete what it shows. So every mount at or under
 * the directory (read from /proc/self/mountinfo) is detached first, deepest
 * first, lazily (a process still using it cannot block the build); the
 * directory is removed only when no mount is left under it. Nothing here
 * throws: a build reports its own failure, and what cannot be cleaned up is
 * a warning naming the path and what to do.
 */
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { isInside } from './runner';

/** Decodes mountinfo's octal escapes (`\040` for a space). */
function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Mount points at or under `dir` in this process's mount namespace, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await fsp.readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return []; // not Linux: no mounts to know of
  }
  const points = text
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMountPath)
    .filter((p) => isInside(dir, p));
  return [...new Set(points)].sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** `umount --lazy <point>`; true when it succeeded. */
function detach(point: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('umount', ['-l', point], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

/** Detaches every mount under `dir`, then removes it; problems go to `log` as warnings. */
export async function removeRunnerDir(dir: string, log: (line: string) => void): Promise<void> {
  for (const point of await mountsUnder(dir)) {
    if (!(await detach(point))) log(`warning: could not unmount ${point}, which a build step left mounted`);
  }
  const left = await mountsUnder(dir);
  if (left.length > 0) {
    log(`warning: ${dir} was not removed: ${left.join(', ')} ${left.length === 1 ? 'is' : 'are'} still mounted (a build step mounted ${left.length === 1 ? 'it' : 'them'}); unmount with umount -l, then remove the directory`);
    return;
  }
  try {
    await fsp.rm(dir, { recursive: true, force: true });
  } catch (err) {
    log(`warning: could not remove the build directory ${dir}: ${(err as Error).message}; remove it by hand`);
  }
}
