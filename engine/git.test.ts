import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git as askGit, gitAsync, normalizeRemote, probeVcsUrl, readGitFacts, repositoryPath } from './git';

describe('normalizeRemote', () => {
  it.each([
    ['git@github.com:org/repo.git', 'git+ssh://github.com/org/repo.git'],
    ['github.com:org/repo', 'git+ssh://github.com/org/repo'],
    ['https://user:token@example.com/org/repo.git', 'https://example.com/org/repo.git'],
    ['https://example.com/org/repo', 'https://example.com/org/repo'],
    ['ssh://git@example.com:2222/org/repo', 'ssh://example.com:2222/org/repo'],
  ])('turns %s into %s', (remote, want) => {
    expect(normalizeRemote(remote)).toBe(want);
  });
});

describe('probeVcsUrl', () => {
  const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } }).trim();

  it('gives origin@HEAD for a config inside a git checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vcs-'));
    git(dir, 'init', '-q');
    git(dir, 'remote', 'add', 'origin', 'git@example.com:team/images.git');
    writeFileSync(join(dir, 'apko.yaml'), 'contents: {}\n');
    git(dir, 'add', 'apko.yaml');
    git(dir, 'commit', '-qm', 'config');
    expect(probeVcsUrl(join(dir, 'apko.yaml'))).toBe(`git+ssh://example.com/team/images.git@${git(dir, 'rev-parse', 'HEAD')}`);
  });

  it('gives nothing outside a git checkout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'novcs-'));
    expect(probeVcsUrl(join(dir, 'apko.yaml'))).toBeUndefined();
  });
});

describe('git and gitAsync', () => {
  it('answer with trimmed output, and with undefined outside a checkout or when git fails', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'nogit-'));
    expect(askGit(outside, ['--version'])).toMatch(/^git version /);
    expect(await gitAsync(outside, ['--version'])).toMatch(/^git version /);
    expect(askGit(outside, ['rev-parse', 'HEAD'])).toBeUndefined();
    expect(await gitAsync(outside, ['rev-parse', 'HEAD'])).toBeUndefined();
    expect(askGit(outside, ['no-such-subcommand'])).toBeUndefined();
  });

  it('never waits for a password: a remote that asks for one is an absent answer', async () => {
    let asked = 0;
    const server = createServer((_req, res) => {
      asked++;
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="test"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const dir = mkdtempSync(join(tmpdir(), 'git-auth-'));
      expect(await gitAsync(dir, ['ls-remote', `http://127.0.0.1:${port}/repo.git`])).toBeUndefined();
      expect(asked).toBeGreaterThan(0);
    } finally {
      server.close();
    }
  });
});

describe('readGitFacts', () => {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com', GIT_COMMITTER_DATE: '1700000000 +0000' };
  const run = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', env }).trim();

  it('gives the HEAD commit, its committer time and the top level of the checkout holding a directory', async () => {
    const top = realpathSync(mkdtempSync(join(tmpdir(), 'facts-')));
    run(top, 'init', '-q');
    mkdirSync(join(top, 'pkgs', 'hello'), { recursive: true });
    writeFileSync(join(top, 'pkgs', 'hello', 'melange.yaml'), 'package: {}\n');
    run(top, 'add', '.');
    run(top, 'commit', '-qm', 'package');
    const facts = await readGitFacts(join(top, 'pkgs', 'hello'));
    expect(facts).toEqual({ commit: run(top, 'rev-parse', 'HEAD'), commitTime: 1700000000, toplevel: top });
    expect(repositoryPath(join(top, 'pkgs', 'hello', 'melange.yaml'), facts, 'melange.yaml')).toBe('pkgs/hello/melange.yaml');
  });

  it('gives no facts outside a checkout, so the path falls back to the plain name', async () => {
    const facts = await readGitFacts(mkdtempSync(join(tmpdir(), 'nofacts-')));
    expect(facts).toEqual({});
    expect(repositoryPath('/x/melange.yaml', facts, 'melange.yaml')).toBe('melange.yaml');
  });
});
