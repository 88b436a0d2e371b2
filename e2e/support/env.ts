/**
 * What a test needs from the machine: Debian tools, root, and the shared
 * interop fixtures. A missing prerequisite skips the test with a printed
 * notice, except under CI=true, where it fails: CI must never pass by skipping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Repository root. */
export const ROOT = resolve(__dirname, '..', '..');

const inCI = process.env.CI === 'true';

function lacking(what: string): boolean {
  if (inCI) throw new Error(`CI=true but ${what} is missing; .ci/run must install it`);
  console.warn(`[skip] ${what} is missing; skipping the tests that need it`);
  return false;
}

/** `ok`, or false with the printed notice that `what` is missing (throws under CI). */
export function provided(ok: boolean, what: string): boolean {
  return ok || lacking(what);
}

/** True when `tool` is on PATH; otherwise prints a notice (or throws under CI). */
export function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return lacking(`the tool "${tool}"`);
  }
}

/** True when running as root (chroot, runc); otherwise prints a notice (or throws under CI). */
export function isRoot(): boolean {
  if (process.getuid?.() === 0) return true;
  return lacking('root (needed for chroot/runc)');
}

/** The shared interop fixtures folder, or undefined with a printed notice (throws under CI). */
export function fixturesDir(): string | undefined {
  const dir = resolve(ROOT, '..', 'shared', 'fixtures');
  if (existsSync(dir)) return dir;
  lacking(`../shared/fixtures (${dir})`);
  return undefined;
}

/** Path of a file under the shared fixtures, or undefined when they are absent. */
export function fixture(...parts: string[]): string | undefined {
  const dir = fixturesDir();
  return dir === undefined ? undefined : join(dir, ...parts);
}
