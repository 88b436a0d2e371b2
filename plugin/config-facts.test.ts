import { describe, expect, it } from 'vitest';
import { atomName, readImageFacts, readPackageFacts } from './config-facts';

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

  it.each(['!conflict', '', '${{vars.pkg}}', '${{package.name}}-dev'])('gives no name for %j', (atom) => expect(atomName(atom)).toBeUndefined());
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
    });
  });

  it.each(['contents: [unclosed', '', '42', 'contents:\n  packages: notalist\n'])('gives empty facts for malformed YAML %j instead of failing the graph', (text) => {
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

  it('gives no packages when package.name is missing', () => {
    expect(readPackageFacts('pipeline: []\n').packages).toEqual([]);
  });
});
