import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { parseArch } from '../arch';
import { loadImageConfig } from './load';

const root = mkdtempSync(join(tmpdir(), 'apko-config-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh directory holding the given files; returns it. */
function dir(files: Record<string, string>): string {
  const d = join(root, `case-${n++}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

const env = {};
const host = parseArch('amd64');

async function loadError(cwd: string, overrides = {}, e: Record<string, string> = env): Promise<ConfigError> {
  const err = await loadImageConfig('apko.yaml', overrides, { cwd, env: e, host }).catch((x: unknown) => x);
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

const BASE = 'contents:\n  repositories: [./packages/]\n  keyring: [./melange.rsa.pub]\n  packages: [replayout]\nentrypoint:\n  command: /bin/sh -l\narchs: [x86_64, aarch64]\n';

describe('loadImageConfig', () => {
  it('loads a config with its checksum, files, archs and working directory', async () => {
    const cwd = dir({ 'apko.yaml': BASE });
    const loaded = await loadImageConfig('apko.yaml', {}, { cwd, env, host });
    expect(loaded.file).toBe(join(cwd, 'apko.yaml'));
    expect(loaded.files).toEqual([join(cwd, 'apko.yaml')]);
    expect(loaded.checksum).toBe(`sha256-${createHash('sha256').update(BASE).digest('base64')}`);
    expect(loaded.archs.map((a) => a.apk)).toEqual(['x86_64', 'aarch64']);
    expect(loaded.workDir).toBe(cwd);
    expect(loaded.buildDate).toBeUndefined();
    expect(loaded.sourceDateEpochSet).toBe(false);
    expect(loaded.ignoreSignatures).toBe(false);
    expect(loaded.warnings).toEqual([]);
    // Relative entries stay as written (they go into /etc/apk/repositories); the trailing slash goes.
    expect(loaded.config.contents.repositories).toEqual(['./packages']);
    expect(loaded.config.contents.keyring).toEqual(['./melange.rsa.pub']);
  });

  it('returns a frozen configuration', async () => {
    const loaded = await loadImageConfig('apko.yaml', {}, { cwd: dir({ 'apko.yaml': BASE }), env, host });
    expect(Object.isFrozen(loaded.config.contents.packages)).toBe(true);
    expect(() => (loaded.config.contents.packages as string[]).push('x')).toThrow(TypeError);
  });

  it('applies apko Validate(): a service bundle forces s6, users get a home', async () => {
    const cwd = dir({
      'apko.yaml': 'contents:\n  packages: [nginx]\nentrypoint:\n  type: service-bundle\n  command: ignored\n  services:\n    nginx: /usr/sbin/nginx\naccounts:\n  users:\n    - {username: nginx, uid: 10000}\n',
    });
    const { config } = await loadImageConfig('apko.yaml', {}, { cwd, env, host });
    expect(config.entrypoint.command).toBe('/bin/s6-svscan /sv');
    expect(config.contents.packages).toEqual(['nginx', 's6']);
    expect(config.accounts.users[0]).toEqual({ username: 'nginx', uid: 10000, homedir: '/home/nginx' });
  });

  it('applies the CLI overrides after the config', async () => {
    const cwd = dir({ 'apko.yaml': `${BASE}annotations:\n  a.b: config\n  keep: me\n` });
    const loaded = await loadImageConfig(
      'apko.yaml',
      {
        arch: 'x86_64,ppc64le',
        repositoryAppend: ['https://r/os'],
        keyringAppend: ['k.rsa.pub'],
        buildRepositoryAppend: ['./build'],
        packageAppend: ['busybox', 'curl'],
        annotations: ['a.b:cli'],
        ignoreSignatures: true,
        format: 'tar',
      },
      { cwd, env, host },
    );
    const c = loaded.config;
    expect(loaded.archs.map((a) => a.oci)).toEqual(['amd64', 'ppc64le']);
    expect(c.archs).toEqual(['amd64', 'arm64']);
    expect(c.contents.repositories).toEqual(['./packages', 'https://r/os']);
    expect(c.contents.keyring).toEqual(['./melange.rsa.pub', 'k.rsa.pub']);
    expect(c.contents.buildRepositories).toEqual(['./build']);
    expect(c.contents.packages).toEqual(['replayout', 'busybox', 'curl']);
    expect(c.annotations).toEqual({ 'a.b': 'cli', keep: 'me' });
    expect(c.format).toBe('tar');
    expect(loaded.ignoreSignatures).toBe(true);
  });

  it('takes the build date from SOURCE_DATE_EPOCH over --build-date', async () => {
    const cwd = dir({ 'apko.yaml': BASE });
    const both = await loadImageConfig('apko.yaml', { buildDate: '2024-01-01T00:00:00Z' }, { cwd, env: { SOURCE_DATE_EPOCH: '1700000000' }, host });
    expect([both.buildDate, both.sourceDateEpochSet]).toEqual([1700000000, true]);
    const flag = await loadImageConfig('apko.yaml', { buildDate: '2024-01-01T00:00:00Z' }, { cwd, env: { SOURCE_DATE_EPOCH: '' }, host });
    expect([flag.buildDate, flag.sourceDateEpochSet]).toEqual([1704067200, false]);
  });

  it('refuses a malformed SOURCE_DATE_EPOCH', async () => {
    const e = await loadError(dir({ 'apko.yaml': BASE }), {}, { SOURCE_DATE_EPOCH: '2024-01-01' });
    expect(e.message).toBe('SOURCE_DATE_EPOCH="2024-01-01" is not a non-negative integer number of seconds since 1970-01-01');
    expect(e.hint).toMatch(/git log -1 --format=%ct/);
  });

  it.each<[string, string, string]>([
    ['an unknown key', `${BASE}\naccounts:\n  run-as: 0\n  userz: []\n`, 'apko.yaml:11:3: accounts.userz: unknown key "userz" (expected one of: run-as, users, groups)'],
    ['a wrong type', `${BASE}environment:\n  PATH: [a, b]\n`, 'apko.yaml:9:9: environment.PATH: expected a string, got a list'],
    ['a bad arch', BASE.replace('aarch64', 'sparc64'), 'apko.yaml:7:17: archs[1]: unknown architecture "sparc64" (expected one of: 386, amd64, arm/v6, arm/v7, arm64, loong64, ppc64le, riscv64, s390x, x86, x86_64, armhf, armv7, aarch64, loongarch64, all, host)'],
    ['uid 0', `${BASE}accounts:\n  users:\n    - username: admin\n      uid: 0\n`, 'apko.yaml:11:12: accounts.users[0].uid: configured user "admin" has UID 0 (to run as root, use `run-as: 0`)'],
    ['a YAML syntax error', 'contents:\n  packages: [a, b\narchs: [x86_64]\n', 'apko.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a duplicate key', 'cmd: a\ncmd: b\n', 'apko.yaml:2:1: cmd: the key "cmd" is given twice in one mapping (first at line 1, column 1)'],
    ['an empty file', '# nothing\n', 'apko.yaml:1:1: the file has no YAML document (expected a mapping of apko keys)'],
  ])('names file:line:col for %s', async (_, text, message) => {
    expect((await loadError(dir({ 'apko.yaml': text }))).message).toBe(message);
  });

  it('reports a missing config with the places it looked', async () => {
    const cwd = dir({});
    const e = await loadError(cwd, { includePaths: ['conf'] });
    expect(e.message).toBe(`apko.yaml: cannot find "apko.yaml" (looked for ${join(cwd, 'apko.yaml')}, ${join(cwd, 'conf', 'apko.yaml')})`);
  });

  it('finds the config under an --include-paths prefix', async () => {
    const cwd = dir({ 'conf/apko.yaml': BASE });
    const loaded = await loadImageConfig('apko.yaml', { includePaths: 'conf' }, { cwd, env, host });
    expect(loaded.file).toBe(join(cwd, 'conf', 'apko.yaml'));
  });

  it.each<[string, string, object, string]>([
    ['baseimage with an entrypoint', 'contents:\n  baseimage: {image: ./b, apkindex: ./i}\nentrypoint:\n  command: /bin/sh\n', {}, 'apko.yaml:4:3: entrypoint: when using base image, the only supported image specification are: contents, archs and includes'],
    ['baseimage with layering', 'contents:\n  baseimage: {image: ./b, apkindex: ./i}\nlayering: {strategy: origin, budget: 3}\n', {}, 'apko.yaml:3:11: layering: layering cannot be combined with contents.baseimage'],
    ['erofs with layering', 'format: erofs\nlayering: {}\n', {}, 'apko.yaml:2:11: layering: layering cannot be combined with format: erofs (an EROFS image has one layer)'],
    ['--format erofs with layering', 'layering:\n  strategy: origin\n', { format: 'erofs' }, 'apko.yaml:2:3: layering: layering cannot be combined with format: erofs (an EROFS image has one layer)'],
    ['baseimage with CLI annotations', 'contents:\n  baseimage: {image: ./b, apkindex: ./i}\n', { annotations: ['a:b'] }, 'apko.yaml: annotations: when using base image, the only supported image specification are: contents, archs and includes'],
  ])('refuses %s', async (_, text, overrides, message) => {
    expect((await loadError(dir({ 'apko.yaml': text }), overrides)).message).toBe(message);
  });

  it('refuses a bad --arch before reading anything', async () => {
    const e = await loadError(dir({}), { arch: ['amd64', 'mips'] });
    expect(e.message).toMatch(/^--arch: unknown architecture "mips"/);
  });

  it('reads a UTF-8 file with a byte-order mark and refuses one that is not UTF-8', async () => {
    const cwd = dir({ 'apko.yaml': `\ufeff${BASE}` });
    expect((await loadImageConfig('apko.yaml', {}, { cwd, env, host })).config.cmd).toBeUndefined();
    writeFileSync(join(cwd, 'apko.yaml'), Buffer.from([0x63, 0x6d, 0x64, 0x3a, 0x20, 0xff, 0x0a]));
    expect((await loadError(cwd)).message).toBe('apko.yaml: the file is not UTF-8 text');
  });

  it('warns that permissions written like 755 are decimal', async () => {
    const cwd = dir({ 'apko.yaml': 'paths:\n  - {path: /x, type: directory, permissions: 755}\n' });
    const loaded = await loadImageConfig('apko.yaml', {}, { cwd, env, host });
    expect(loaded.config.paths[0]!.permissions).toBe(755);
    expect(loaded.warnings).toEqual([
      'apko.yaml:2:46: paths[0].permissions: 755 is the decimal number 755 (= 0o1363); write 0o755 for an octal mode',
    ]);
  });
});
