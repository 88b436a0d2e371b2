import { describe, expect, it } from 'vitest';
import { FileConflictError } from '../errors';
import type { PkgInfo } from '../apk/types';
import { resolveConflict } from './conflicts';

function info(pkgname: string, more: Partial<PkgInfo> = {}): PkgInfo {
  return { pkgname, pkgver: '1-r0', arch: 'x86_64', size: 0, license: [], depend: [], provides: [], replaces: [], install_if: [], triggers: [], extra: [], origin: pkgname, ...more };
}

function conflictOf(fn: () => unknown): FileConflictError {
  try {
    fn();
  } catch (err) {
    if (err instanceof FileConflictError) return err;
    throw err;
  }
  throw new Error('no error was thrown');
}

describe('resolveConflict', () => {
  it.each([
    { why: 'the content is identical', got: info('a'), want: info('b'), same: true, outcome: 'keep' },
    { why: 'the owner replaces the newcomer', got: info('a', { replaces: ['b'] }), want: info('b'), same: false, outcome: 'keep' },
    { why: 'the newcomer replaces the owner', got: info('a'), want: info('b', { replaces: ['a'] }), same: false, outcome: 'overwrite' },
    { why: 'both come from one origin', got: info('a-doc', { origin: 'a' }), want: info('a-dev', { origin: 'a' }), same: false, outcome: 'overwrite' },
  ])('decides $outcome when $why', ({ got, want, same, outcome }) => {
    expect(resolveConflict('etc/x', { owner: got, sha1: 'aa', kind: 'file' }, { pkg: want, sha1: same ? 'aa' : 'bb' })).toBe(outcome);
  });

  it('checks equal content before replaces, so an identical file never moves to the newcomer', () => {
    expect(resolveConflict('x', { owner: info('a'), sha1: 'aa', kind: 'file' }, { pkg: info('b', { replaces: ['a'] }), sha1: 'aa' })).toBe('keep');
  });

  it('fails naming both packages, their origins and the path when neither may overwrite', () => {
    const err = conflictOf(() =>
      resolveConflict('usr/bin/tool', { owner: info('tool-a', { origin: 'a' }), sha1: 'aa', kind: 'file' }, { pkg: info('tool-b', { origin: 'b' }), sha1: 'bb' }),
    );
    expect(err.code).toBe('ECONFLICT');
    expect(err.path).toBe('usr/bin/tool');
    expect(err.packages).toEqual(['tool-a', 'tool-b']);
    expect(err.message).toBe('/usr/bin/tool is installed by both tool-a (origin a) and tool-b (origin b).');
    expect(err.hint).toBe('remove one of the two packages, or rebuild tool-b with "replaces: tool-a"');
  });

  it('does not treat two packages without an origin as siblings', () => {
    const err = conflictOf(() =>
      resolveConflict('x', { owner: info('a', { origin: undefined }), sha1: 'aa', kind: 'file' }, { pkg: info('b', { origin: undefined }), sha1: 'bb' }),
    );
    expect(err.packages).toEqual(['a', 'b']);
  });

  it('never lets a file replace a directory, whoever owns it', () => {
    const err = conflictOf(() => resolveConflict('etc/x', { owner: info('a'), kind: 'directory' }, { pkg: info('b', { replaces: ['a'] }), sha1: 'bb' }));
    expect(err.message).toBe('b installs /etc/x, but a installs a directory there.');
    expect(err.packages).toEqual(['a', 'b']);
  });

  it('fails when a package ships a different file where the build wrote one', () => {
    const err = conflictOf(() => resolveConflict('etc/apk/keys/k.pub', { sha1: 'aa', kind: 'file' }, { pkg: info('keys'), sha1: 'bb' }));
    expect(err.message).toBe('keys installs /etc/apk/keys/k.pub, but the build already wrote a different file there.');
    expect(err.packages).toEqual(['keys']);
  });

  it('keeps a build-written file a package ships identically', () => {
    expect(resolveConflict('etc/apk/keys/k.pub', { sha1: 'aa', kind: 'file' }, { pkg: info('keys'), sha1: 'aa' })).toBe('keep');
  });
});
