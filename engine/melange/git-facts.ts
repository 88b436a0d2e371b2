/**
 * What a build takes from git: the commit of the melange.yaml's repository
 * (`.PKGINFO commit`, melange's detectCommit), its time (the build date when
 * SOURCE_DATE_EPOCH is not set) and the file's path in the repository (the
 * SBOM's configuration package). Outside a repository, or without git, every
 * fact is absent, never an error: the build date is then 0, not the clock.
 */
import { execFile } from 'node:child_process';
import { relative } from 'node:path';

/** Facts about the repository holding a directory. */
export interface GitFacts {
  /** HEAD commit, 40 hex digits. */
  readonly commit?: string;
  /** HEAD's committer time, Unix seconds. */
  readonly commitTime?: number;
  /** The repository's top-level directory. */
  readonly toplevel?: string;
}

function git(dir: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim());
    });
  });
}

/** Reads the facts for `dir`; any git failure leaves the fact out. */
export async function readGitFacts(dir: string): Promise<GitFacts> {
  const [commit, time, toplevel] = await Promise.all([
    git(dir, ['rev-parse', 'HEAD']),
    git(dir, ['log', '-1', '--format=%ct']),
    git(dir, ['rev-parse', '--show-toplevel']),
  ]);
  return {
    ...(commit && /^[0-9a-f]{40,64}$/.test(commit) ? { commit } : {}),
    ...(time && /^\d+$/.test(time) ? { commitTime: Number(time) } : {}),
    ...(toplevel ? { toplevel } : {}),
  };
}

/** The config file's path relative to its repository (forward slashes), or its plain name outside one. */
export function repositoryPath(file: string, facts: GitFacts, fallback: string): string {
  if (facts.toplevel === undefined) return fallback;
  return relative(facts.toplevel, file).split('\\').join('/');
}
