import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../parse';
import { mergeInto } from './merge';

const cfg = (text: string) => parseConfigText(text, 'x.yaml').config;

describe('mergeInto', () => {
  it('concatenates every list base first', () => {
    const base = cfg(`
contents:
  build_repositories: [b1]
  runtime_repositories: [rt1]
  repositories: [r1]
  keyring: [k1]
  runtime_keyring: [{name: a.rsa.pub, content: A}]
  packages: [p1]
accounts:
  users: [{username: u1, uid: 1}]
  groups: [{groupname: g1, gid: 1}]
paths: [{path: /a, type: directory}]
volumes: [/v1]
`);
    const target = cfg(`
contents:
  build_repositories: [b2]
  runtime_repositories: [rt2]
  repositories: [r2]
  keyring: [k2]
  runtime_keyring: [{name: b.rsa.pub, content: B}]
  packages: [p2]
accounts:
  users: [{username: u2, uid: 2}]
  groups: [{groupname: g2, gid: 2}]
paths: [{path: /b, type: directory}]
volumes: [/v2]
`);
    const m = mergeInto(base, target);
    expect(m.contents).toEqual({
      buildRepositories: ['b1', 'b2'],
      runtimeRepositories: ['rt1', 'rt2'],
      repositories: ['r1', 'r2'],
      keyring: ['k1', 'k2'],
      runtimeKeyring: [{ name: 'a.rsa.pub', content: 'A' }, { name: 'b.rsa.pub', content: 'B' }],
      packages: ['p1', 'p2'],
      baseimage: undefined,
    });
    expect(m.accounts.users.map((u) => u.username)).toEqual(['u1', 'u2']);
    expect(m.accounts.groups.map((g) => g.groupname)).toEqual(['g1', 'g2']);
    expect(m.paths.map((p) => p.path)).toEqual(['/a', '/b']);
    expect(m.volumes).toEqual(['/v1', '/v2']);
  });

  it('lets the including file win for scalars and whole blocks', () => {
    const base = cfg(`
entrypoint: {command: /base}
cmd: base
stop-signal: SIGINT
work-dir: /base
accounts: {run-as: base}
archs: [amd64]
vcs-url: https://base
layering: {strategy: origin, budget: 2}
format: erofs
certificates: {providers: [base]}
contents: {baseimage: {image: ./base, apkindex: ./base}}
`);
    const target = cfg(`
entrypoint: {shell-fragment: echo}
cmd: target
stop-signal: SIGTERM
work-dir: /target
accounts: {run-as: target}
archs: [arm64]
vcs-url: https://target
layering: {strategy: origin, budget: 5}
format: tar
certificates: {providers: [target]}
contents: {baseimage: {image: ./target, apkindex: ./target}}
include: base.yaml
`);
    const m = mergeInto(base, target);
    expect(m.entrypoint).toEqual({ shellFragment: 'echo', services: {} });
    expect([m.cmd, m.stopSignal, m.workDir, m.accounts.runAs, m.vcsUrl, m.format]).toEqual(['target', 'SIGTERM', '/target', 'target', 'https://target', 'tar']);
    expect(m.archs).toEqual(['arm64']);
    expect(m.layering).toEqual({ strategy: 'origin', budget: 5 });
    expect(m.certificates).toEqual({ additional: [], providers: ['target'] });
    expect(m.contents.baseimage).toEqual({ image: './target', apkindex: './target' });
    expect(m.include).toBe('base.yaml');
  });

  it('takes the base value of everything the including file leaves unset', () => {
    const base = cfg('entrypoint: {command: /base}\ncmd: base\narchs: [amd64]\nlayering: {}\ncontents: {baseimage: {image: ./b, apkindex: ./i}}\n');
    const m = mergeInto(base, cfg('contents: {packages: [x]}'));
    expect(m.entrypoint.command).toBe('/base');
    expect(m.cmd).toBe('base');
    expect(m.archs).toEqual(['amd64']);
    expect(m.layering).toEqual({});
    expect(m.contents.baseimage).toEqual({ image: './b', apkindex: './i' });
  });

  it('merges maps key by key with the including file winning', () => {
    const m = mergeInto(
      cfg('environment: {EXTRA: foo, VAR: foo}\nannotations: {org.extra: foo, org.blah: foo}'),
      cfg('environment: {VAR: bar}\nannotations: {org.blah: bar}'),
    );
    expect(m.environment).toEqual({ EXTRA: 'foo', VAR: 'bar' });
    expect(m.annotations).toEqual({ 'org.blah': 'bar', 'org.extra': 'foo' });
  });

  it('changes neither input', () => {
    const base = cfg('contents: {packages: [a]}');
    const target = cfg('contents: {packages: [b]}');
    mergeInto(base, target);
    expect(base.contents.packages).toEqual(['a']);
    expect(target.contents.packages).toEqual(['b']);
  });
});
