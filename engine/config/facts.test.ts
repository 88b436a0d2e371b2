import { describe, expect, it } from 'vitest';
import { atomName, indexPackageOwners, ownersProviding, readImageFacts, readPackageFacts, sameConfigData } from './facts';

describe('atomName', () => {
  it.each([
    ['busybox', 'busybox'],
    ['busybox>=1.36', 'busybox'],
    ['busybox=1.36.1-r2', 'busybox'],
    ['busybox~1.36', 'busybox'],
    ['api@local', 'api'],
    ['so:libc.so.6', 'so:libc.so.6'],
    ['  spaced  ', 'spaced'],
  ])('reads the package name of %s', (atom, name) => expect(atomName(atom)).toBe(name));

  it.each(['!conflict', '', '${{vars.pkg}}', '${{package.name}}-dev', 'bad>>1', 'two words'])('gives no name for %j', (atom) => expect(atomName(atom)).toBeUndefined());
});

describe('readImageFacts', () => {
  it('reads packages, keys, repositories and includes as written', () => {
    const facts = readImageFacts(`
include: base.apko.yaml
contents:
  repositories: [../dist/packages/api-server, https://packages.wolfi.dev/os]
  build_repositories: [./build-only]
  keyring: [../melange.rsa.pub]
  packages: [api-server>=0.1, wolfi-baselayout, '!nope']
`);
    expect(facts).toEqual({
      packages: ['api-server', 'wolfi-baselayout'],
      keyring: ['../melange.rsa.pub'],
      repositories: ['../dist/packages/api-server', 'https://packages.wolfi.dev/os', './build-only'],
      include: ['base.apko.yaml'],
      baseimage: [],
    });
  });

  it('reads the base image directories, which the image target hashes as inputs', () => {
    expect(readImageFacts('contents:\n  baseimage:\n    image: ./base-layout\n    apkindex: ./apkindex\n').baseimage).toEqual(['./base-layout', './apkindex']);
  });

  it('reads YAML as the build does: aliases and merge keys expanded', () => {
    const facts = readImageFacts('base: &base\n  packages: [a, b]\ncontents:\n  <<: *base\n  keyring: [k.pub]\n');
    expect(facts.packages).toEqual(['a', 'b']);
    expect(facts.keyring).toEqual(['k.pub']);
  });

  it.each(['contents: [unclosed', '', '42', 'contents:\n  packages: notalist\n', 'a: 1\na: 2\n'])('gives empty facts for malformed YAML %j instead of failing the graph', (text) => {
    expect(readImageFacts(text).packages).toEqual([]);
  });
});

describe('readPackageFacts', () => {
  it('lists the main package and subpackages with provides and runtime dependencies, substituting the package name', () => {
    const facts = readPackageFacts(`
package:
  name: hello
  version: 1.0.0
  dependencies:
    runtime: [libgreet>=2, '\${{vars.extra}}']
    provides: [cmd:hello=1.0.0]
subpackages:
  - name: \${{package.name}}-doc
    dependencies:
      runtime: ['\${{package.name}}']
  - name: \${{vars.unknown}}
`);
    expect(facts.packages).toEqual([
      { name: 'hello', provides: ['cmd:hello'], runtime: ['libgreet'] },
      { name: 'hello-doc', provides: [], runtime: ['hello'] },
    ]);
  });

  it.each(['pipeline: []\n', 'package: [unclosed', 'package:\n  name: 12\n'])('gives no packages when package.name is missing or not text: %j', (text) => {
    expect(readPackageFacts(text).packages).toEqual([]);
  });
});

describe('sameConfigData', () => {
  it('matches texts that differ only in comments, quoting and layout', () => {
    expect(sameConfigData('a: [x, "y"]\n# note\nb: {c: 1}\n', "a:\n  - 'x'\n  - y\nb:\n  c: 1\n")).toBe(true);
  });

  it.each([
    ['a: 1\n', 'a: 2\n'],
    ['a: true\n', 'a: "true"\n'],
    ['a: [unclosed', 'a: [unclosed'],
  ])('does not match %j and %j', (a, b) => expect(sameConfigData(a, b)).toBe(false));
});

describe('ownersProviding', () => {
  const index = indexPackageOwners([
    { owner: 'api-server', facts: { packages: [{ name: 'api-server', provides: [], runtime: ['libgreet', 'ca-certificates'] }] } },
    { owner: 'greet', facts: { packages: [{ name: 'greet', provides: ['libgreet'], runtime: [] }, { name: 'greet-doc', provides: [], runtime: ['greet'] }] } },
    { owner: 'tools', facts: { packages: [{ name: 'tools', provides: ['cmd:tool'], runtime: [] }] } },
    { owner: 'loop-a', facts: { packages: [{ name: 'a', provides: [], runtime: ['b'] }] } },
    { owner: 'loop-b', facts: { packages: [{ name: 'b', provides: [], runtime: ['a'] }] } },
  ]);

  it('follows runtime dependencies through provided names to other owners', () => {
    expect(ownersProviding(['api-server'], index)).toEqual(['api-server', 'greet']);
  });

  it('finds the owner of a subpackage', () => {
    expect(ownersProviding(['greet-doc'], index)).toEqual(['greet']);
  });

  it('ignores names no owner builds (distro packages)', () => {
    expect(ownersProviding(['wolfi-baselayout', 'busybox'], index)).toEqual([]);
  });

  it('terminates on dependency cycles and returns the owners in byte order', () => {
    expect(ownersProviding(['b', 'cmd:tool'], index)).toEqual(['loop-a', 'loop-b', 'tools']);
  });
});
