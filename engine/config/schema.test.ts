import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseConfigText } from './parse';

const parse = (text: string) => parseConfigText(text, 'apko.yaml').config;

/** The error a text gives: its class, code and message. */
function errorOf(text: string): ConfigError {
  try {
    parseConfigText(text, 'apko.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe('ECONFIG');
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('the apko file schema', () => {
  it.each<[string, string, object]>([
    ['contents.repositories', 'contents:\n  repositories: [https://dl-cdn.alpinelinux.org/alpine/edge/main, "@testing https://x/testing", ./packages]', { contents: { repositories: ['https://dl-cdn.alpinelinux.org/alpine/edge/main', '@testing https://x/testing', './packages'] } }],
    ['contents.build_repositories', 'contents:\n  build_repositories: [./build]', { contents: { buildRepositories: ['./build'] } }],
    ['contents.runtime_repositories', 'contents:\n  runtime_repositories: [https://mirror/os]', { contents: { runtimeRepositories: ['https://mirror/os'] } }],
    ['contents.keyring', 'contents:\n  keyring: [./k.rsa.pub, https://x/k.rsa.pub]', { contents: { keyring: ['./k.rsa.pub', 'https://x/k.rsa.pub'] } }],
    ['contents.runtime_keyring', 'contents:\n  runtime_keyring:\n    - name: m.rsa.pub\n      content: PEM', { contents: { runtimeKeyring: [{ name: 'm.rsa.pub', content: 'PEM' }] } }],
    ['contents.packages', 'contents:\n  packages: [busybox, "foo=1.2-r0", "bar>=2", "baz~1.2", "!qux", "py@testing", "so:libc.so.6"]', { contents: { packages: ['busybox', 'foo=1.2-r0', 'bar>=2', 'baz~1.2', '!qux', 'py@testing', 'so:libc.so.6'] } }],
    ['contents.baseimage', 'contents:\n  baseimage:\n    image: ./base\n    apkindex: ./idx', { contents: { baseimage: { image: './base', apkindex: './idx' } } }],
    ['entrypoint.command', 'entrypoint:\n  command: /bin/sh -l', { entrypoint: { command: '/bin/sh -l', services: {} } }],
    ['entrypoint.shell-fragment', 'entrypoint:\n  shell-fragment: echo hi', { entrypoint: { shellFragment: 'echo hi' } }],
    ['entrypoint.type and services', 'entrypoint:\n  type: service-bundle\n  services:\n    nginx: /usr/sbin/nginx', { entrypoint: { type: 'service-bundle', services: { nginx: '/usr/sbin/nginx' } } }],
    ['cmd', 'cmd: /bin/sh -l', { cmd: '/bin/sh -l' }],
    ['cmd written as a number keeps its text', 'cmd: 0755', { cmd: '0755' }],
    ['stop-signal', 'stop-signal: SIGTERM', { stopSignal: 'SIGTERM' }],
    ['work-dir', 'work-dir: /app', { workDir: '/app' }],
    ['accounts', 'accounts:\n  run-as: nonroot\n  users:\n    - username: nonroot\n      uid: 65532\n      gid: 65533\n      shell: /bin/ash\n      homedir: /var/empty\n  groups:\n    - groupname: nonroot\n      gid: 65532\n      members: [nonroot]', { accounts: { runAs: 'nonroot', users: [{ username: 'nonroot', uid: 65532, gid: 65533, shell: '/bin/ash', homedir: '/var/empty' }], groups: [{ groupname: 'nonroot', gid: 65532, members: ['nonroot'] }] } }],
    ['accounts.run-as as a uid', 'accounts:\n  run-as: 0', { accounts: { runAs: '0', users: [], groups: [] } }],
    ['archs in both spellings', 'archs: [x86_64, arm64, armv7, arm/v6, x86, loongarch64, ppc64le, riscv64, s390x]', { archs: ['amd64', 'arm64', 'arm/v7', 'arm/v6', '386', 'loong64', 'ppc64le', 'riscv64', 's390x'] }],
    ['archs: all', 'archs: [all]', { archs: ['all'] }],
    ['archs: host', 'archs: [host]', { archs: ['host'] }],
    ['environment (scalars keep their text)', 'environment:\n  PATH: /bin\n  DEBUG: true\n  N: 1.10', { environment: { DEBUG: 'true', N: '1.10', PATH: '/bin' } }],
    ['paths with octal permissions', 'paths:\n  - path: /run/nginx\n    type: directory\n    uid: 10000\n    gid: 0\n    permissions: 0o755\n    recursive: true', { paths: [{ path: '/run/nginx', type: 'directory', uid: 10000, gid: 0, permissions: 0o755, recursive: true }] }],
    ['paths with a YAML 1.1 octal (0755 is octal in go-yaml v3)', 'paths:\n  - {path: /x, type: empty-file, permissions: 0644}', { paths: [{ path: '/x', type: 'empty-file', permissions: 0o644, recursive: false }] }],
    ['paths hardlink and symlink', 'paths:\n  - {path: /a, type: hardlink, source: /b}\n  - {path: /c, type: symlink, source: b}\n  - {path: /d, type: permissions, permissions: 0o4755}', { paths: [{ type: 'hardlink', source: '/b' }, { type: 'symlink', source: 'b' }, { type: 'permissions', permissions: 0o4755 }] }],
    ['annotations', 'annotations:\n  org.opencontainers.image.title: Title', { annotations: { 'org.opencontainers.image.title': 'Title' } }],
    ['vcs-url', 'vcs-url: https://github.com/x/y@abc', { vcsUrl: 'https://github.com/x/y@abc' }],
    ['include', 'include: base.yaml', { include: 'base.yaml' }],
    ['volumes', 'volumes: [/data]', { volumes: ['/data'] }],
    ['layering', 'layering:\n  strategy: origin\n  budget: 10', { layering: { strategy: 'origin', budget: 10 } }],
    ['layering: {}', 'layering: {}', { layering: {} }],
    ['format', 'format: erofs', { format: 'erofs' }],
    ['certificates', 'certificates:\n  additional:\n    - name: my-ca\n      content: PEM\n  providers: [custom-ca-certificates]', { certificates: { additional: [{ name: 'my-ca', content: 'PEM' }], providers: ['custom-ca-certificates'] } }],
    ['null values as absent', 'contents:\ncmd: ~\naccounts:\n  users:', { contents: { packages: [] }, accounts: { users: [] } }],
  ])('accepts %s', (_, text, expected) => {
    expect(parse(text)).toMatchObject(expected);
  });

  it('leaves unset optional scalars undefined and every list and map empty', () => {
    const c = parse('contents:\n  packages: [x]');
    expect(c.cmd).toBeUndefined();
    expect(c.layering).toBeUndefined();
    expect(c.environment).toEqual({});
    expect(c.paths).toEqual([]);
    expect(c.accounts).toEqual({ runAs: undefined, users: [], groups: [] });
  });

  const ARCHS = '386, amd64, arm/v6, arm/v7, arm64, loong64, ppc64le, riscv64, s390x, x86, x86_64, armhf, armv7, aarch64, loongarch64, all, host';

  it.each<[string, string, string]>([
    ['an unknown top-level key', 'contents: {}\nentrypint:\n  command: x', 'apko.yaml:2:1: entrypint: unknown key "entrypint" (expected one of: contents, entrypoint, cmd, stop-signal, work-dir, accounts, archs, environment, paths, vcs-url, annotations, include, volumes, layering, format, certificates)'],
    ['an unknown nested key', 'contents:\n  packags: [a]', 'apko.yaml:2:3: contents.packags: unknown key "packags" (expected one of: build_repositories, runtime_repositories, repositories, keyring, runtime_keyring, packages, baseimage)'],
    ['a list where a string is expected', 'cmd: [a]', 'apko.yaml:1:6: cmd: expected a string, got a list'],
    ['a string where a list is expected', 'contents:\n  packages: busybox', 'apko.yaml:2:13: contents.packages: expected a list, got a string "busybox"'],
    ['a string uid', 'accounts:\n  users:\n    - username: a\n      uid: abc', 'apko.yaml:4:12: accounts.users[0].uid: expected an integer, got a string "abc"'],
    ['a negative gid', 'accounts:\n  groups:\n    - {groupname: g, gid: -1}', 'apko.yaml:3:27: accounts.groups[0].gid: expected a non-negative integer, got an integer -1'],
    ['a uid past 32 bits', 'accounts:\n  users:\n    - {username: a, uid: 4294967296}', 'apko.yaml:3:26: accounts.users[0].uid: expected an integer up to 4294967295, got an integer 4294967296'],
    ['a bad arch', 'archs:\n  - amd64\n  - sparc', `apko.yaml:3:5: archs[1]: unknown architecture "sparc" (expected one of: ${ARCHS})`],
    ['all mixed with archs', 'archs: [all, amd64]', 'apko.yaml:1:9: archs[0]: "all" must be the only entry of archs'],
    ['uid 0', 'accounts:\n  users:\n    - username: root2\n      uid: 0', 'apko.yaml:4:12: accounts.users[0].uid: configured user "root2" has UID 0 (to run as root, use `run-as: 0`)'],
    ['a user without uid', 'accounts:\n  users:\n    - username: x', 'apko.yaml:3:7: accounts.users[0].uid: configured user "x" has UID 0 (to run as root, use `run-as: 0`)'],
    ['a user without name', 'accounts:\n  users:\n    - uid: 1000', 'apko.yaml:3:7: accounts.users[0].username: configured user with uid 1000 has no configured user name'],
    ['a group without name', 'accounts:\n  groups:\n    - gid: 10', 'apko.yaml:3:7: accounts.groups[0].groupname: configured group with gid 10 has no configured group name'],
    ['an unknown path type', 'paths:\n  - path: /x\n    type: dir', 'apko.yaml:3:11: paths[0].type: expected one of: directory, empty-file, hardlink, symlink, permissions; got a string "dir"'],
    ['a path without type', 'paths:\n  - path: /x', 'apko.yaml:2:5: paths[0].type: a path mutation needs type (one of: directory, empty-file, hardlink, symlink, permissions)'],
    ['a symlink without source', 'paths:\n  - {path: /x, type: symlink}', 'apko.yaml:2:5: paths[0].source: a symlink needs source (the path it points to)'],
    ['permissions past 0o7777', 'paths:\n  - {path: /x, type: directory, permissions: 0o17777}', 'apko.yaml:2:46: paths[0].permissions: expected an octal mode from 0 to 0o7777, got an integer 0o17777'],
    ['a quoted permissions string', 'paths:\n  - {path: /x, type: directory, permissions: "0755"}', 'apko.yaml:2:46: paths[0].permissions: expected an integer, got a string "0755"'],
    ['recursive: yes (a string in go-yaml v3)', 'paths:\n  - {path: /x, type: directory, recursive: yes}', 'apko.yaml:2:44: paths[0].recursive: expected true or false, got a string "yes"'],
    ['an unknown entrypoint type', 'entrypoint:\n  type: supervisor', 'apko.yaml:2:9: entrypoint.type: expected one of: service-bundle; got a string "supervisor"'],
    ['an unknown format', 'format: squashfs', 'apko.yaml:1:9: format: expected one of: tar, erofs; got a string "squashfs"'],
    ['an unknown layering strategy', 'layering:\n  strategy: size', 'apko.yaml:2:13: layering.strategy: expected one of: origin; got a string "size"'],
    ['a bad certificate name', 'certificates:\n  additional:\n    - {name: "my ca", content: PEM}', 'apko.yaml:3:14: certificates.additional[0].name: certificates.additional name "my ca" must match ^[a-zA-Z0-9_-]+[a-zA-Z0-9_.-]*$'],
    ['a runtime key without content', 'contents:\n  runtime_keyring:\n    - name: k.rsa.pub', 'apko.yaml:3:7: contents.runtime_keyring[0].content: runtime_keyring entry "k.rsa.pub" has no content'],
    ['a runtime key as a URL', 'contents:\n  runtime_keyring:\n    - https://example.com/k.rsa.pub', 'apko.yaml:3:7: contents.runtime_keyring[0]: expected a mapping, got a string "https://example.com/k.rsa.pub"'],
    ['a baseimage without apkindex', 'contents:\n  baseimage:\n    image: ./b', 'apko.yaml:3:5: contents.baseimage.apkindex: baseimage needs apkindex (a directory of <arch>/APKINDEX)'],
    ['a malformed tagged repository', 'contents:\n  repositories: ["@edge"]', 'apko.yaml:2:18: contents.repositories[0]: "@edge" is not a repository: write a URL or path, or "@tag <url-or-path>"'],
    ['a package with a space', 'contents:\n  packages: ["foo bar"]', 'apko.yaml:2:14: contents.packages[0]: "foo bar" is not a package constraint (expected name, name=version, name>=version, name~version, !name or name@tag)'],
    ['a top-level list', '- a', 'apko.yaml:1:1: expected a mapping, got a list'],
    ['a user name with a colon', 'accounts:\n  users:\n    - {username: "a:b", uid: 1000}', 'apko.yaml:3:18: accounts.users[0].username: the name contains ":", the field separator of /etc/passwd and /etc/group'],
    ['a user name with a newline', 'accounts:\n  users:\n    - {username: "a\\nroot2", uid: 1000}', 'apko.yaml:3:18: accounts.users[0].username: the name contains the control character "\\n"'],
    ['an all-digit user name', 'accounts:\n  users:\n    - {username: "1000", uid: 1000}', 'apko.yaml:3:18: accounts.users[0].username: the name is all digits, which reads as a numeric id'],
    ['a group member with a comma', 'accounts:\n  groups:\n    - {groupname: g, gid: 10, members: ["a,b"]}', 'apko.yaml:3:41: accounts.groups[0].members[0]: the name contains ",", the member separator of /etc/group'],
    ['a relative home', 'accounts:\n  users:\n    - {username: a, uid: 1000, homedir: home/a}', 'apko.yaml:3:41: accounts.users[0].homedir: homedir "home/a" is not an absolute path'],
    ['a home above /', 'accounts:\n  users:\n    - {username: a, uid: 1000, homedir: /home/../../x}', 'apko.yaml:3:41: accounts.users[0].homedir: homedir "/home/../../x" has a ".." component'],
    ['a shell with a newline', 'accounts:\n  users:\n    - {username: a, uid: 1000, shell: "/bin/sh\\nb:x:0:0::/:/bin/sh"}', 'apko.yaml:3:39: accounts.users[0].shell: shell contains the control character "\\n"'],
    ['run-as with three parts', 'accounts:\n  run-as: a:b:c', 'apko.yaml:2:11: accounts.run-as: "a:b:c" is not user or user:group'],
    ['an environment name with =', 'environment:\n  "A=B": c', 'apko.yaml:2:10: environment["A=B"]: the variable name contains "=", which ends the name in an environment entry'],
    ['an empty environment name', 'environment:\n  "": c', 'apko.yaml:2:7: environment[""]: the variable name is empty'],
    ['an environment value with NUL', 'environment:\n  A: "x\\0y"', 'apko.yaml:2:6: environment.A: the value contains a NUL character'],
    ['an annotation key with a newline', 'annotations:\n  "a\\nb": c', 'apko.yaml:2:11: annotations["a\\nb"]: the key contains the control character "\\n"'],
    ['a command with NUL', 'entrypoint:\n  command: "/bin/a\\0b"', 'apko.yaml:2:12: entrypoint.command: the value contains a NUL character'],
    ['a relative work-dir', 'work-dir: app', 'apko.yaml:1:11: work-dir: work-dir "app" is not an absolute path'],
    ['a path climbing above /', 'paths:\n  - {path: /app/../../etc, type: directory}', 'apko.yaml:2:12: paths[0].path: path "/app/../../etc" has a ".." component'],
    ['a hardlink source above /', 'paths:\n  - {path: /x, type: hardlink, source: ../../etc/passwd}', 'apko.yaml:2:40: paths[0].source: source "../../etc/passwd" has a ".." component'],
    ['a service name with a slash', 'entrypoint:\n  type: service-bundle\n  services:\n    ../x: run', 'apko.yaml:4:11: entrypoint.services["../x"]: "../x" is not a usable service name'],
  ])('rejects %s with the file, line, column, path and expectation', (_, text, message) => {
    expect(errorOf(text).message).toBe(message);
  });

  it('carries the position and path as fields, and suggests the likely key', () => {
    const e = errorOf('contents:\n  packags: [a]');
    expect({ file: e.file, path: e.path, line: e.line, column: e.column, hint: e.hint }).toEqual({
      file: 'apko.yaml',
      path: 'contents.packags',
      line: 2,
      column: 3,
      hint: 'did you mean "packages"?',
    });
  });

  it('reports the first problem in the file and the others as causes', () => {
    const e = errorOf('cmd: [a]\nwork-dir: [b]\nstop-signal: [c]');
    expect(e.message).toBe('apko.yaml:1:6: cmd: expected a string, got a list (and 2 more problems)');
    const rest = (e.cause as AggregateError).errors.map((x: Error) => x.message);
    expect(rest).toEqual(['apko.yaml:2:11: work-dir: expected a string, got a list', 'apko.yaml:3:14: stop-signal: expected a string, got a list']);
  });

  it('gives every refusal a hint', () => {
    for (const text of ['cmd: [a]', 'format: squashfs', 'accounts:\n  users:\n    - {username: a, uid: -1}', 'accounts:\n  users:\n    - {username: "a:b", uid: 1}', 'work-dir: x']) {
      expect(errorOf(text).hint, text).toMatch(/\S/);
    }
  });

  it('accepts the account, path and environment values real configs use', () => {
    const c = parseConfigText(
      'accounts:\n  run-as: "65532:65532"\n  users: [{username: nonroot, uid: 65532, homedir: /home/nonroot, shell: /bin/sh}, {username: machine$, uid: 2}]\n  groups: [{groupname: www-data, gid: 33, members: [nonroot]}]\nwork-dir: /app\nenvironment: {PATH: /usr/bin, "a.b": "x=y"}\npaths: [{path: var/lib/app, type: directory}, {path: /l, type: symlink, source: ../usr/bin/x}]\n',
      'apko.yaml',
    ).config;
    expect(c.accounts.runAs).toBe('65532:65532');
    expect(c.environment).toEqual({ PATH: '/usr/bin', 'a.b': 'x=y' });
  });

  it('points a uid 0 error at the uid and hints at run-as', () => {
    const e = errorOf('accounts:\n  users:\n    - username: x\n      uid: 0');
    expect(e.hint).toBe('give the user a non-zero uid, or drop it and set accounts.run-as: 0');
  });
});
