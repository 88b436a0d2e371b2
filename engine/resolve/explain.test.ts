import { describe, expect, it } from 'vitest';
import { FormatError, UnsatisfiableError } from '../errors';
import { resolve } from './resolve';
import { pkg, repo } from './testdata/entries';
import type { ResolverRepository } from './types';

function failure(repos: ResolverRepository[], world: string[], strictProviders = false): UnsatisfiableError {
  try {
    resolve({ repositories: repos, world, arch: 'x86_64', strictProviders });
  } catch (e) {
    if (e instanceof UnsatisfiableError) return e;
    throw e;
  }
  throw new Error(`resolving ${world.join(' ')} did not fail`);
}

describe('resolve errors', () => {
  const main = repo('main', [
    pkg('app-1-r0', { depends: ['libmissing'] }),
    pkg('tool-1-r0', { depends: ['foo>=3'] }),
    pkg('foo-1-r0'),
    pkg('foo-2-r0'),
    pkg('a-1-r0', { provides: ['so:libx.so.1=1'] }),
    pkg('b-1-r0', { provides: ['so:libx.so.1=2'] }),
    pkg('legacy-1-r0'),
    pkg('libnew-2-r0', { depends: ['!legacy'] }),
    pkg('bad-1-r0', { depends: ['foo=>1'] }),
    pkg('sh-a-1-r0', { provides: ['/bin/sh'] }),
    pkg('sh-b-1-r0', { provides: ['/bin/sh'] }),
    pkg('sh-b-2-r0'),
    pkg('needs-sh-1-r0', { depends: ['/bin/sh'] }),
    pkg('top-1-r0', { depends: ['needs-sh'] }),
  ]);

  it('names a missing dependency, who required it and the chain from the world', () => {
    const err = failure([main], ['app']);
    expect(err.problems).toEqual(['libmissing (no such package): required by: app-1-r0[libmissing]; chain: world[app] -> app-1-r0[libmissing]']);
    expect(err.message).toBe(
      [
        'unable to select packages:',
        '  libmissing (no such package):',
        '    required by: app-1-r0[libmissing]',
        '    chain: world[app] -> app-1-r0[libmissing]',
      ].join('\n'),
    );
    expect(err.hint).toBe('check the spelling of the package name and that a repository providing it is configured for this architecture');
  });

  it('blames the newest version for a constraint no version meets', () => {
    const err = failure([main], ['tool']);
    expect(err.problems).toEqual(['foo-2-r0: breaks: tool-1-r0[foo>=3]; chain: world[tool] -> tool-1-r0[foo>=3]']);
    expect(err.hint).toBe('relax the constraint that the package breaks, or add a repository that has a version satisfying it');
  });

  it('reports two packages that give the same name different versions', () => {
    const err = failure([main], ['a', 'b']);
    expect(err.problems).toEqual(['b-1-r0: conflicts: a-1-r0[so:libx.so.1]; satisfies: world[b]']);
  });

  it('reports a package the world both wants and forbids', () => {
    expect(failure([main], ['foo', '!foo']).problems).toEqual(['foo-2-r0: breaks: world[!foo]; satisfies: world[foo]']);
  });

  it('reports a wanted package that another wanted package forbids', () => {
    expect(failure([main], ['legacy', 'libnew']).problems).toEqual(['legacy-1-r0: breaks: libnew-2-r0[!legacy]; satisfies: world[legacy]']);
  });

  it('with strict providers, lists every provider of a virtual name nobody picked', () => {
    const err = failure([main], ['top'], true);
    expect(err.message).toBe(
      [
        'unable to select packages:',
        '  /bin/sh (virtual):',
        "    note: please select one of the 'provided by' packages explicitly",
        '    provided by: sh-a sh-b-1-r0',
        '    required by: needs-sh-1-r0[/bin/sh]',
        '    chain: world[top] -> top-1-r0[needs-sh] -> needs-sh-1-r0[/bin/sh]',
      ].join('\n'),
    );
  });

  it('by default gives a virtual name the provider apko picks (equal versions: the first name) and reports the choice', () => {
    const r = resolve({ repositories: [main], world: ['top'], arch: 'x86_64' });
    expect(r.packages.map((p) => `${p.name}-${p.version}`)).toEqual(['sh-a-1-r0', 'needs-sh-1-r0', 'top-1-r0']);
    expect(r.choices).toEqual([{ name: '/bin/sh', chosen: 'sh-a-1-r0', others: ['sh-b-1-r0'], requiredBy: 'needs-sh-1-r0[/bin/sh]' }]);
  });

  it("prefers the provider from the requiring package's origin, then the newer version", () => {
    const repoOf = (pkgs: ReturnType<typeof pkg>[]) => repo('main', pkgs);
    const origin = repoOf([
      pkg('zz-1-r0', { provides: ['/bin/sh'], origin: 'zz' }),
      pkg('aa-1-r0', { provides: ['/bin/sh'] }),
      pkg('user-1-r0', { depends: ['/bin/sh'], origin: 'zz' }),
    ]);
    expect(resolve({ repositories: [origin], world: ['user'], arch: 'x86_64' }).choices[0]!.chosen).toBe('zz-1-r0');
    const newer = repoOf([pkg('aa-1-r0', { provides: ['/bin/sh'] }), pkg('bb-2-r0', { provides: ['/bin/sh'] }), pkg('user-1-r0', { depends: ['/bin/sh'] })]);
    expect(resolve({ repositories: [newer], world: ['user'], arch: 'x86_64' }).choices[0]!.chosen).toBe('bb-2-r0');
  });

  it('rejects an index entry with a malformed atom, saying why', () => {
    expect(failure([main], ['bad']).problems).toEqual([
      'bad-1-r0: malformed: malformed dependency "foo=>1" in bad-1-r0: unknown operator "=>"; satisfies: world[bad]',
    ]);
  });

  it('reports every problem at once', () => {
    expect(failure([main], ['zzz', 'tool', 'aaa']).problems).toEqual([
      'aaa (no such package): required by: world[aaa]',
      'foo-2-r0: breaks: tool-1-r0[foo>=3]; chain: world[tool] -> tool-1-r0[foo>=3]',
      'zzz (no such package): required by: world[zzz]',
    ]);
  });

  it('carries one disqualification per rejected candidate as the cause', () => {
    const err = failure([main], ['tool']);
    expect(err.cause).toBeInstanceOf(AggregateError);
    const cause = err.cause as AggregateError;
    expect(cause.errors.map((e: Error) => e.message)).toEqual([
      'foo-1-r0 disqualified: breaks: tool-1-r0[foo>=3]',
      'foo-2-r0 disqualified: breaks: tool-1-r0[foo>=3]',
    ]);
  });

  it('throws FormatError naming a malformed world atom', () => {
    expect(() => resolve({ repositories: [main], world: ['foo>>1'], arch: 'x86_64' })).toThrow(FormatError);
    expect(() => resolve({ repositories: [main], world: ['foo>>1'], arch: 'x86_64' })).toThrow('malformed dependency "foo>>1" in world');
  });
});

describe('resolve errors: repository tags', () => {
  const main = repo('main', [pkg('foo-1-r0'), pkg('app-1-r0', { depends: ['lib'] })]);
  const edge = repo('edge', [pkg('lib-1-r0'), pkg('bar-1-r0')], 'edge');

  it('says when no repository has the requested tag', () => {
    const err = failure([main], ['foo@edge']);
    expect(err.problems).toEqual(['foo@edge (no repository is tagged @edge): required by: world[foo@edge]']);
    expect(err.hint).toBe('add a repository tagged with that name, or drop the @tag from the package');
  });

  it('does not take name@tag from an untagged repository', () => {
    expect(failure([main, edge], ['foo@edge']).problems).toEqual(['foo-1-r0: breaks: world[foo@edge]']);
  });

  it('does not take an untagged requirement from a tagged repository', () => {
    expect(failure([main, edge], ['app']).problems).toEqual(['lib-1-r0: masked in: @edge; satisfies: app-1-r0[lib]; chain: world[app] -> app-1-r0[lib]']);
    expect(failure([main, edge], ['bar']).problems).toEqual(['bar-1-r0: masked in: @edge; satisfies: world[bar]']);
  });
});
