/**
 * Asking git, in one place: `git -C <dir> …` with no prompt (GIT_TERMINAL_PROMPT=0,
 * stdin closed), where any failure (no git, not a checkout, no remote) is an
 * absent answer, never an error.
 *
 * melange builds: the commit of the melange.yaml's repository, its time and
 * the repository's top level (`readGitFacts`, below).
 *
 * `--vcs`: the `vcs-url` apko derives from git when the config has none:
 * the `origin` remote of the repository holding the config (scp-style
 * `user@host:org/repo` becomes `git+ssh://host/org/repo`, credentials are
 * dropped) plus `@` and the HEAD commit. Off unless asked for: the commit is
 * not an input Nx or Turborepo hash, so a cached image would carry a stale one.
 */
import { execFile, execFileSync } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { withoutCredentials } from './redact';

/** Every git call: in `dir`, never waiting for a password (stdin is closed by each caller), stderr dropped. */
function gitCall(dir: string, args: readonly string[]) {
  return { argv: ['-C', dir, ...args], env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } };
}

/** git's trimmed output in `dir`, or undefined when git fails or prints nothing. */
export function git(dir: string, args: readonly string[]): string | undefined {
  const c = gitCall(dir, args);
  try {
    return execFileSync('git', c.argv, { encoding: 'utf8', env: c.env, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** `git` without blocking the event loop, for callers that ask several questions at once. */
export function gitAsync(dir: string, args: readonly string[]): Promise<string | undefined> {
  const c = gitCall(dir, args);
  return new Promise((resolve) => {
    // execFile ignores a stdio option, so stdin is a pipe: end it at once.
    const child = execFile('git', c.argv, { encoding: 'utf8', env: c.env }, (err, stdout) => resolve(err ? undefined : stdout.trim() || undefined));
    child.stdin?.end();
  });
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

/** What a melange build takes from the repository holding a directory. */
export interface GitFacts {
  /** HEAD commit, 40 (or 64) hex digits: `.PKGINFO commit`, melange's detectCommit. */
  readonly commit?: string;
  /** HEAD's committer time, Unix seconds: the build date when SOURCE_DATE_EPOCH is not set. */
  readonly commitTime?: number;
  /** The repository's top-level directory, for the config's path in the SBOM. */
  readonly toplevel?: string;
}

/** The facts for `dir`; any git failure leaves the fact out, so outside a checkout the build date is 0, not the clock. */
export async function readGitFacts(dir: string): Promise<GitFacts> {
  const [commit, time, toplevel] = await Promise.all([
    gitAsync(dir, ['rev-parse', 'HEAD']),
    gitAsync(dir, ['log', '-1', '--format=%ct']),
    gitAsync(dir, ['rev-parse', '--show-toplevel']),
  ]);
  return {
    ...(commit && /^[0-9a-f]{40,64}$/.test(commit) ? { commit } : {}),
    ...(time && /^\d+$/.test(time) ? { commitTime: Number(time) } : {}),
    ...(toplevel ? { toplevel } : {}),
  };
}

/** `file`'s path relative to its repository (forward slashes), or `fallback` outside one. */
export function repositoryPath(file: string, facts: GitFacts, fallback: string): string {
  if (facts.toplevel === undefined) return fallback;
  return relative(facts.toplevel, file).split('\\').join('/');
}
