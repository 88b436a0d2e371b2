import { describe, expect, it } from 'vitest';
import { resolve } from './resolve';
import { pkg, repo } from './testdata/entries';
import type { ResolverRepository } from './types';

const labels = (repos: ResolverRepository[], world: string[], arch = 'x86_64'): string[] =>
  resolve({ repositories: repos, world, arch }).packages.map((p) => `${p.name}-${p.version}`);

describe('resolve: versions', () => {
  const main = repo('main', [pkg('foo-1.0-r0'), pkg('foo-1.2-r0'), pkg('foo-1.10-r0'), pkg('foo-2.0_rc1-r0'), pkg('foo-1.2.5-r1')]);

  it('picks the newest version when nothing constrains it', () => {
    expect(labels([main], ['foo'])).toEqual(['foo-2.0_rc1-r0']);
  });

  it.each([
    ['foo=1.2-r0', 'foo-1.2-r0'],
    ['foo<1.10', 'foo-1.2.5-r1'],
    ['foo<=1.10-r0', 'foo-1.10-r0'],
    ['foo>1.2.5-r1', 'foo-2.0_rc1-r0'],
    ['foo>=1.0', 'foo-2.0_rc1-r0'],
    ['foo<2', 'foo-1.10-r0'],
    ['foo~1.2', 'foo-1.2.5-r1'],
    ['foo=~1.2', 'foo-1.2.5-r1'],
    ['foo~1', 'foo-1.10-r0'],
  ])('honours the world constraint %s by choosing %s', (atom, want) => {
    expect(labels([main], [atom])).toEqual([want]);
  });

  it('applies every constraint on a name at once', () => {
    expect(labels([main], ['foo>1.0', 'foo<1.10'])).toEqual(['foo-1.2.5-r1']);
  });

  it('applies constraints from depend lines of chosen packages', () => {
    const r = repo('main', [...main.entries, pkg('app-1-r0', { depends: ['foo<1.2.5'] })]);
    expect(labels([r], ['app'])).toEqual(['foo-1.2-r0', 'app-1-r0']);
  });

  it('prefers the earlier repository when two offer the same version', () => {
    const a = repo('a', [pkg('foo-1.0-r0', { checksum: 'Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })]);
    const b = repo('b', [pkg('foo-1.0-r0', { checksum: 'Q1BBBBBBBBBBBBBBBBBBBBBBBBBBB=' })]);
    expect(resolve({ repositories: [b, a], world: ['foo'], arch: 'x86_64' }).packages[0].repository).toBe('b');
    expect(resolve({ repositories: [a, b], world: ['foo'], arch: 'x86_64' }).packages[0].repository).toBe('a');
  });

  it('still takes a newer version from a later repository', () => {
    const a = repo('a', [pkg('foo-1.0-r0')]);
    const b = repo('b', [pkg('foo-1.1-r0')]);
    expect(resolve({ repositories: [a, b], world: ['foo'], arch: 'x86_64' }).packages[0].repository).toBe('b');
  });

  it('lists a file that two repositories both serve once, from the first', () => {
    const same = pkg('foo-1.0-r0');
    const r = resolve({ repositories: [repo('a', [same]), repo('b', [same])], world: ['foo'], arch: 'x86_64' });
    expect(r.packages.map((p) => p.repository)).toEqual(['a']);
  });

  it('knows every constraint on a name before choosing it, wherever the requirers sit', () => {
    // `a` pulls lib through a long chain; `z` wants lib<2 through a virtual so: name.
    const r = repo('main', [
      pkg('a-1-r0', { depends: ['mid'] }),
      pkg('mid-1-r0', { depends: ['deep'] }),
      pkg('deep-1-r0', { depends: ['lib'] }),
      pkg('lib-1-r0'),
      pkg('lib-2-r0'),
      pkg('z-1-r0', { depends: ['so:libz.so.1'] }),
      pkg('libz-1-r0', { provides: ['so:libz.so.1=1'], depends: ['lib<2'] }),
    ]);
    expect(labels([r], ['a', 'z']).sort()).toEqual(['a-1-r0', 'deep-1-r0', 'lib-1-r0', 'libz-1-r0', 'mid-1-r0', 'z-1-r0']);
  });
});

describe('resolve: earlier choices', () => {
  it('goes back on a choice that a package in a dependency cycle cannot accept', () => {
    // a is chosen first (newest: a-2); b, pulled in by a, only works with a<2.
    const r = repo('main', [
      pkg('a-1-r0', { depends: ['b'] }),
      pkg('a-2-r0', { depends: ['b'] }),
      pkg('b-1-r0', { depends: ['a<2'] }),
    ]);
    expect(labels([r], ['a']).sort()).toEqual(['a-1-r0', 'b-1-r0']);
  });

  it('passes over a version whose dependencies break an earlier choice', () => {
    const r = repo('main', [pkg('legacy-1-r0'), pkg('lib-1-r0'), pkg('lib-2-r0', { depends: ['!legacy'] }), pkg('app-1-r0', { depends: ['lib'] })]);
    expect(labels([r], ['legacy', 'app']).sort()).toEqual(['app-1-r0', 'legacy-1-r0', 'lib-1-r0']);
  });
});

describe('resolve: architectures', () => {
  it('ignores entries of other architectures and accepts noarch', () => {
    const r = repo('main', [
      pkg('foo-2.0-r0', { arch: 'aarch64' }),
      pkg('foo-1.0-r0'),
      pkg('data-1-r0', { arch: 'noarch' }),
    ]);
    expect(labels([r], ['foo', 'data'])).toEqual(['data-1-r0', 'foo-1.0-r0']);
    expect(labels([r], ['foo'], 'aarch64')).toEqual(['foo-2.0-r0']);
  });
});

describe('resolve: conflicts', () => {
  const r = repo('main', [
    pkg('app-1-r0', { depends: ['libfoo'] }),
    pkg('libfoo-1-r0'),
    pkg('libfoo-2-r0', { depends: ['!legacy'] }),
    pkg('legacy-1-r0'),
    pkg('tool-1-r0', { depends: ['!libfoo<2'] }),
  ]);

  it('keeps a world conflict out by choosing another provider version', () => {
    expect(labels([r], ['app', 'legacy']).sort()).toEqual(['app-1-r0', 'legacy-1-r0', 'libfoo-1-r0']);
  });

  it('honours a versioned conflict from a depend line', () => {
    expect(labels([r], ['tool', 'app']).sort()).toEqual(['app-1-r0', 'libfoo-2-r0', 'tool-1-r0']);
  });

  it('does not install a package the world forbids', () => {
    expect(labels([r], ['legacy', '!libfoo'])).toEqual(['legacy-1-r0']);
  });
});

describe('resolve: provides', () => {
  it('treats a versioned provide as a real version of the name', () => {
    const r = repo('main', [
      pkg('libfoo1-1.0-r0', { provides: ['so:libfoo.so.1=1.0'] }),
      pkg('libfoo1-compat-1.5-r0', { provides: ['so:libfoo.so.1=1.5'] }),
      pkg('app-1-r0', { depends: ['so:libfoo.so.1'] }),
      pkg('old-1-r0', { depends: ['so:libfoo.so.1<1.5'] }),
    ]);
    expect(labels([r], ['app'])).toEqual(['libfoo1-compat-1.5-r0', 'app-1-r0']);
    expect(labels([r], ['old'])).toEqual(['libfoo1-1.0-r0', 'old-1-r0']);
  });

  it('prefers a newer provide of a name over an older package of that name', () => {
    const r = repo('main', [pkg('foo-1.0-r0'), pkg('foo-ng-3-r0', { provides: ['foo=2.0'] })]);
    expect(labels([r], ['foo'])).toEqual(['foo-ng-3-r0']);
    expect(labels([r], ['foo<2'])).toEqual(['foo-1.0-r0']);
  });

  it('lets a provide satisfy a versioned dependency on the provided name', () => {
    const r = repo('main', [pkg('newfoo-3-r0', { provides: ['foo=2.5'] }), pkg('app-1-r0', { depends: ['foo>=2'] })]);
    expect(labels([r], ['app'])).toEqual(['newfoo-3-r0', 'app-1-r0']);
  });

  it.each(['so:libc.musl-x86_64.so.1', 'cmd:busybox', 'pc:zlib', '/bin/sh', 'py3.10:foo'])(
    'resolves %s like any other provided name',
    (name) => {
      const r = repo('main', [pkg('prov-1-r0', { provides: [`${name}=1`] }), pkg('app-1-r0', { depends: [name] })]);
      expect(labels([r], ['app'])).toEqual(['prov-1-r0', 'app-1-r0']);
    },
  );

  it('does not let a package providing its dependency pull anything else in', () => {
    const r = repo('main', [pkg('self-1-r0', { provides: ['so:libself.so.1=1'], depends: ['so:libself.so.1'] }), pkg('other-1-r0', { provides: ['so:libself.so.1=2'] })]);
    expect(labels([r], ['self'])).toEqual(['self-1-r0']);
  });

  it('chooses a virtual provider that sets provider_priority, highest priority first', () => {
    const r = repo('main', [
      pkg('busybox-1-r0', { provides: ['/bin/sh'], providerPriority: 100 }),
      pkg('dash-binsh-1-r0', { provides: ['/bin/sh'], providerPriority: 60 }),
      pkg('app-1-r0', { depends: ['/bin/sh'] }),
    ]);
    expect(labels([r], ['app'])).toEqual(['busybox-1-r0', 'app-1-r0']);
  });

  it('breaks a priority tie by package name', () => {
    const r = repo('main', [
      pkg('zsh-binsh-1-r0', { provides: ['/bin/sh'], providerPriority: 10 }),
      pkg('ash-binsh-1-r0', { provides: ['/bin/sh'], providerPriority: 10 }),
      pkg('app-1-r0', { depends: ['/bin/sh'] }),
    ]);
    expect(labels([r], ['app'])).toEqual(['ash-binsh-1-r0', 'app-1-r0']);
  });

  it('satisfies a virtual name with a provider that is installed anyway', () => {
    const r = repo('main', [
      pkg('busybox-1-r0', { provides: ['/bin/sh'] }),
      pkg('dash-1-r0', { provides: ['/bin/sh'] }),
      pkg('app-1-r0', { depends: ['/bin/sh'] }),
      pkg('base-1-r0', { depends: ['app', 'dash'] }),
    ]);
    expect(labels([r], ['base'])).toEqual(['dash-1-r0', 'app-1-r0', 'base-1-r0']);
    expect(labels([r], ['busybox', 'app'])).toEqual(['busybox-1-r0', 'app-1-r0']);
  });

  it("picks a virtual name's only provider when asked to behave like apk-tools 2.14", () => {
    const r = repo('main', [pkg('busybox-1-r0', { provides: ['/bin/sh'] }), pkg('app-1-r0', { depends: ['/bin/sh'] })]);
    const got = resolve({ repositories: [r], world: ['app'], arch: 'x86_64', autoSelectSingleVirtual: true });
    expect(got.packages.map((p) => p.name)).toEqual(['busybox', 'app']);
  });
});

describe('resolve: install_if', () => {
  const r = repo('main', [
    pkg('app-1-r0'),
    pkg('docs-1-r0'),
    pkg('app-doc-1-r0', { installIf: ['app', 'docs'] }),
    pkg('app-bash-completion-1-r0', { installIf: ['app=1-r0', 'bash'] }),
    pkg('app-old-plugin-1-r0', { installIf: ['app<1'] }),
    pkg('app-lang-1-r0', { installIf: ['app'], depends: ['lang-base'] }),
    pkg('lang-base-1-r0'),
  ]);

  it('adds a package once every install_if condition holds, with its dependencies', () => {
    expect(labels([r], ['app', 'docs'])).toEqual(['app-1-r0', 'docs-1-r0', 'app-doc-1-r0', 'lang-base-1-r0', 'app-lang-1-r0']);
  });

  it('leaves it out while a condition is unmet or its version does not match', () => {
    expect(labels([r], ['app'])).not.toContain('app-doc-1-r0');
    expect(labels([r], ['app'])).not.toContain('app-bash-completion-1-r0');
    expect(labels([r], ['app'])).not.toContain('app-old-plugin-1-r0');
  });

  it('records the triggering packages as the reason', () => {
    const doc = resolve({ repositories: [r], world: ['app', 'docs'], arch: 'x86_64' }).packages.find((p) => p.name === 'app-doc');
    expect(doc).toMatchObject({ selectedBy: 'install_if', requiredBy: ['app-1-r0', 'docs-1-r0'] });
  });
});

describe('resolve: repository tags', () => {
  const main = repo('main', [pkg('foo-1-r0'), pkg('lib-1-r0')]);
  const edge = repo('edge', [pkg('foo-2-r0', { depends: ['lib', 'newlib'] }), pkg('lib-2-r0'), pkg('newlib-1-r0'), pkg('extra-1-r0')], 'edge');

  it('never takes an untagged world entry from a tagged repository', () => {
    expect(labels([main, edge], ['foo'])).toEqual(['foo-1-r0']);
  });

  it('takes name@tag from the tagged repository, and its dependencies from there when needed', () => {
    const r = resolve({ repositories: [main, edge], world: ['foo@edge'], arch: 'x86_64' });
    // lib comes from the untagged repository (preferred), newlib only exists in edge.
    const got = r.packages.map((p) => `${p.name}-${p.version}@${p.repositoryTag ?? ''}`);
    // Install order: newlib has one candidate, lib two, so newlib first.
    expect(got).toEqual(['newlib-1-r0@edge', 'lib-1-r0@', 'foo-2-r0@edge']);
  });

  it('takes name@tag from the tagged repository even when an untagged one has a newer version', () => {
    const newer = repo('main', [pkg('lib-3-r0')]);
    expect(labels([newer, edge], ['lib@edge'])).toEqual(['lib-2-r0']);
    expect(labels([newer, edge], ['lib'])).toEqual(['lib-3-r0']);
  });
});

describe('resolve: architectures', () => {
  it('takes entries without an A: field for any architecture, and leaves out those naming another', () => {
    const r = repo('main', [pkg('any-1-r0', { arch: '' }), pkg('other-1-r0', { arch: 'aarch64' }), pkg('all-1-r0', { arch: 'noarch' })]);
    expect(labels([r], ['any', 'all'])).toEqual(['all-1-r0', 'any-1-r0']);
    expect(() => resolve({ repositories: [r], world: ['other'], arch: 'x86_64' })).toThrow('other (no such package)');
  });
});

describe('resolve: result', () => {
  const r = repo('main', [
    pkg('musl-1.2-r0', { provides: ['so:libc.musl-x86_64.so.1=1'] }),
    pkg('busybox-1.35-r0', { depends: ['so:libc.musl-x86_64.so.1'], provides: ['/bin/sh'], replaces: ['busybox-extras'], replacesPriority: 5 }),
    pkg('app-1-r0', { depends: ['busybox', 'so:libc.musl-x86_64.so.1'] }),
  ]);

  it('orders dependencies before dependents and says who required each package', () => {
    const got = resolve({ repositories: [r], world: ['app', 'busybox'], arch: 'x86_64' });
    expect(got.packages.map((p) => [p.name, p.selectedBy, p.requiredBy])).toEqual([
      ['musl', 'dependency', ['app-1-r0', 'busybox-1.35-r0']],
      ['busybox', 'world', ['world', 'app-1-r0']],
      ['app', 'world', ['world']],
    ]);
  });

  it('keeps the index fields later stages need, replaces included', () => {
    const got = resolve({ repositories: [r], world: ['busybox'], arch: 'x86_64' }).packages[1];
    expect(got).toMatchObject({
      name: 'busybox',
      version: '1.35-r0',
      arch: 'x86_64',
      repository: 'main',
      size: 1000,
      replaces: ['busybox-extras'],
      replacesPriority: 5,
      checksum: expect.stringMatching(/^Q1/),
    });
  });

  it('lists each requirement as an edge, sorted', () => {
    const got = resolve({ repositories: [r], world: ['app'], arch: 'x86_64' });
    expect(got.edges).toEqual([
      { from: 'app-1-r0', to: 'busybox-1.35-r0', atom: 'busybox', kind: 'depend' },
      { from: 'app-1-r0', to: 'musl-1.2-r0', atom: 'so:libc.musl-x86_64.so.1', kind: 'depend' },
      { from: 'busybox-1.35-r0', to: 'musl-1.2-r0', atom: 'so:libc.musl-x86_64.so.1', kind: 'depend' },
      { from: 'world', to: 'app-1-r0', atom: 'app', kind: 'depend' },
    ]);
  });

  it('resolves an empty world to nothing', () => {
    expect(resolve({ repositories: [r], world: [], arch: 'x86_64' })).toEqual({ arch: 'x86_64', world: [], packages: [], edges: [], choices: [] });
  });

  it('gives the same result whatever the order of the world', () => {
    const a = resolve({ repositories: [r], world: ['app', 'busybox'], arch: 'x86_64' });
    const b = resolve({ repositories: [r], world: ['busybox', 'app'], arch: 'x86_64' });
    expect(b.packages).toEqual(a.packages);
    expect(b.edges).toEqual(a.edges);
  });
});
