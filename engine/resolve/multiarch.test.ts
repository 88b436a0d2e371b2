import { describe, expect, it } from 'vitest';
import { UnsatisfiableError } from '../errors';
import { resolveMultiArch, type MultiArchRequest } from './multiarch';
import { pkg, repo } from './testdata/entries';
import type { Resolution } from './types';

const summary = (rs: Resolution[]): string[][] => rs.map((r) => [r.arch, ...r.packages.map((p) => `${p.name}-${p.version}`)]);

function failure(req: MultiArchRequest): UnsatisfiableError {
  try {
    resolveMultiArch(req);
  } catch (e) {
    if (e instanceof UnsatisfiableError) return e;
    throw e;
  }
  throw new Error('did not fail');
}

describe('resolveMultiArch', () => {
  it('resolves every architecture, in the order asked, with its own repositories', () => {
    const x86 = repo('main/x86_64', [pkg('foo-1-r0'), pkg('data-1-r0', { arch: 'noarch' })]);
    const arm = repo('main/aarch64', [pkg('foo-1-r0', { arch: 'aarch64' }), pkg('data-1-r0', { arch: 'noarch' })]);
    const rs = resolveMultiArch({ repositories: { x86_64: [x86], aarch64: [arm] }, world: ['foo', 'data'], archs: ['x86_64', 'aarch64'] });
    expect(summary(rs)).toEqual([
      ['x86_64', 'data-1-r0', 'foo-1-r0'],
      ['aarch64', 'data-1-r0', 'foo-1-r0'],
    ]);
    expect(rs[1].packages.map((p) => p.repository)).toEqual(['main/aarch64', 'main/aarch64']);
  });

  it('takes the newest version that every architecture has', () => {
    const x86 = repo('x', [pkg('foo-1-r0'), pkg('foo-2-r0')]);
    const arm = repo('a', [pkg('foo-1-r0', { arch: 'aarch64' })]);
    const rs = resolveMultiArch({ repositories: new Map([['x86_64', [x86]], ['aarch64', [arm]]]), world: ['foo'], archs: ['x86_64', 'aarch64'] });
    expect(summary(rs)).toEqual([
      ['x86_64', 'foo-1-r0'],
      ['aarch64', 'foo-1-r0'],
    ]);
  });

  it('pins every architecture to the lowest version one of them had to take', () => {
    // On aarch64, foo-2 conflicts with extra, so aarch64 can only have foo-1.
    const x86 = repo('x', [pkg('foo-1-r0'), pkg('foo-2-r0'), pkg('extra-1-r0')]);
    const arm = repo('a', [
      pkg('foo-1-r0', { arch: 'aarch64' }),
      pkg('foo-2-r0', { arch: 'aarch64', depends: ['!extra'] }),
      pkg('extra-1-r0', { arch: 'aarch64' }),
    ]);
    const rs = resolveMultiArch({ repositories: { x86_64: [x86], aarch64: [arm] }, world: ['foo', 'extra'], archs: ['x86_64', 'aarch64'] });
    expect(summary(rs)).toEqual([
      ['x86_64', 'extra-1-r0', 'foo-1-r0'],
      ['aarch64', 'extra-1-r0', 'foo-1-r0'],
    ]);
  });

  it('fails naming the architecture a package is missing on', () => {
    const x86 = repo('x', [pkg('syslinux-6-r0'), pkg('foo-1-r0')]);
    const arm = repo('a', [pkg('foo-1-r0', { arch: 'aarch64' })]);
    const err = failure({ repositories: { x86_64: [x86], aarch64: [arm] }, world: ['foo', 'syslinux'], archs: ['x86_64', 'aarch64'] });
    expect(err.code).toBe('EUNSATISFIABLE');
    expect(err.arch).toBe('x86_64,aarch64');
    expect(err.problems).toEqual([
      'x86_64: syslinux-6-r0: missing on: aarch64; satisfies: world[syslinux]',
      'aarch64: syslinux (no such package): required by: world[syslinux]',
    ]);
    expect(err.message).toBe(
      [
        'unable to select packages:',
        '  x86_64:',
        '    syslinux-6-r0:',
        '      missing on: aarch64',
        '      satisfies: world[syslinux]',
        '  aarch64:',
        '    syslinux (no such package):',
        '      required by: world[syslinux]',
      ].join('\n'),
    );
    expect(err.cause).toBeInstanceOf(AggregateError);
  });

  it('resolves a single architecture like resolve does', () => {
    const x86 = repo('x', [pkg('foo-1-r0')]);
    expect(summary(resolveMultiArch({ repositories: { x86_64: [x86] }, world: ['foo'], archs: ['x86_64'] }))).toEqual([['x86_64', 'foo-1-r0']]);
  });
});
