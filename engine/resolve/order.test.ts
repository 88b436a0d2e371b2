import { describe, expect, it } from 'vitest';
import { resolve } from './resolve';
import { pkg, repo } from './testdata/entries';
import type { ResolverRepository } from './types';

const order = (repos: ResolverRepository[], world: string[]): string[] =>
  resolve({ repositories: repos, world, arch: 'x86_64' }).packages.map((p) => p.name);

describe('install order', () => {
  it('installs dependencies depth first before the package, equal candidate counts in atom byte order (apko)', () => {
    const r = repo('main', [pkg('a-1-r0', { depends: ['c', 'b'] }), pkg('b-1-r0', { depends: ['d'] }), pkg('c-1-r0'), pkg('d-1-r0')]);
    expect(order([r], ['a'])).toEqual(['d', 'b', 'c', 'a']);
  });

  it('takes the dependency with the fewest candidates first (apko)', () => {
    const r = repo('main', [pkg('a-1-r0', { depends: ['b', 'c'] }), pkg('b-1-r0'), pkg('b-2-r0'), pkg('c-1-r0')]);
    expect(order([r], ['a'])).toEqual(['c', 'b', 'a']);
  });

  it('walks the world sorted by atom, whatever order it was written in', () => {
    const r = repo('main', [pkg('z-1-r0', { depends: ['shared'] }), pkg('a-1-r0'), pkg('shared-1-r0')]);
    expect(order([r], ['z', 'a'])).toEqual(['a', 'shared', 'z']);
  });

  it('places a shared dependency once, at its first use', () => {
    const r = repo('main', [pkg('x-1-r0', { depends: ['lib'] }), pkg('y-1-r0', { depends: ['lib'] }), pkg('lib-1-r0')]);
    expect(order([r], ['y', 'x'])).toEqual(['lib', 'x', 'y']);
  });

  it('breaks a dependency cycle where the walk re-enters it', () => {
    const r = repo('main', [pkg('a-1-r0', { depends: ['b'] }), pkg('b-1-r0', { depends: ['a'] })]);
    expect(order([r], ['a'])).toEqual(['b', 'a']);
    expect(order([r], ['b'])).toEqual(['a', 'b']);
  });

  it('installs an install_if package that world packages complete after them', () => {
    const r = repo('main', [
      pkg('app-1-r0'),
      pkg('bash-1-r0'),
      pkg('zlast-1-r0'),
      pkg('app-bash-completion-1-r0', { installIf: ['app', 'bash'] }),
    ]);
    expect(order([r], ['zlast', 'bash', 'app'])).toEqual(['app', 'bash', 'zlast', 'app-bash-completion']);
  });

  it('installs an install_if package that a dependency completes right after the dependencies', () => {
    const r = repo('main', [pkg('app-1-r0', { depends: ['lib'] }), pkg('lib-1-r0'), pkg('lib-doc-1-r0', { installIf: ['lib'] })]);
    expect(order([r], ['app'])).toEqual(['lib', 'lib-doc', 'app']);
  });

  it('follows a virtual name to the package that provides it', () => {
    const r = repo('main', [
      pkg('musl-1-r0', { provides: ['so:libc.musl-x86_64.so.1=1'] }),
      pkg('app-1-r0', { depends: ['so:libc.musl-x86_64.so.1'] }),
    ]);
    expect(order([r], ['app'])).toEqual(['musl', 'app']);
  });

  it('counts each repository\'s copy of a package as a candidate, as apko does, unless a versioned provide of the placed copy rules the others out', () => {
    // base has two copies; libfoo's copies conflict over so:libfoo.so.2=2 once the world's libfoo is placed, leaving one.
    const main = [pkg('base-1-r0'), pkg('libfoo-2-r0', { provides: ['so:libfoo.so.2=2'] }), pkg('app-2-r0', { depends: ['base', 'so:libfoo.so.2'] })];
    const world = ['app', 'base=1-r0', 'libfoo=2-r0'];
    expect(order([repo('main', main)], world)).toEqual(['base', 'libfoo', 'app']);
    expect(order([repo('main', main), repo('copies', main)], world)).toEqual(['libfoo', 'base', 'app']);
  });
});
