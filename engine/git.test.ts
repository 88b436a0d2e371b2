import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeRemote, probeVcsUrl } from './git';

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
