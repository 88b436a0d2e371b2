/**
 * `--vcs`: the `vcs-url` apko derives from git when the config has none:
 * the `origin` remote of the repository holding the config (scp-style
 * `user@host:org/repo` becomes `git+ssh://host/org/repo`, credentials are
 * dropped) plus `@` and the HEAD commit. Off unless asked for: the commit is
 * not an input Nx or Turborepo hash, so a cached image would carry a stale one.
 */
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { withoutCredentials } from './redact';

function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A remote URL in the form the annotation carries, without credentials. */
export function normalizeRemote(remote: string): string {
  const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(remote);
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(remote)) return `git+ssh://${scp[1]}/${scp[2]}`;
  try {
    return withoutCredentials(new URL(remote).toString());
  } catch {
    return remote;
  }
}

/** `<origin url>@<HEAD sha>` for the git checkout holding `configPath`, or undefined outside one. */
export function probeVcsUrl(configPath: string): string | undefined {
  const dir = dirname(configPath);
  const remote = git(dir, ['remote', 'get-url', 'origin']);
  const head = git(dir, ['rev-parse', 'HEAD']);
  if (!remote || !head) return undefined;
  return `${normalizeRemote(remote)}@${head}`;
}
