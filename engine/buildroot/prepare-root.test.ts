import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { parseArch } from '../config';
import { ConfigError, UnsatisfiableError } from '../errors';
import { writeLocalRepository } from '../example/local-repository';
import type { BuildEnvironment } from '../melange';
import { environmentConfig, rootPreparer } from './prepare-root';

const X86 = parseArch('x86_64', 'test');

function environment(packages: string[], extra: Partial<BuildEnvironment> = {}): BuildEnvironment {
  return {
    contents: { repositories: ['./repo'], keyring: ['./keys/test.rsa.pub'], packages },
    environment: {},
    accounts: { users: [], groups: [] },
    archs: [],
    ...extra,
  };
}

describe('rootPreparer', () => {
  let key: KeyPair;
  let cwd: string;

  beforeAll(async () => {
    key = generateKeyPair('test', 2048);
    cwd = mkdtempSync(join(tmpdir(), 'prepare-root-'));
    mkdirSync(join(cwd, 'keys'));
    writeFileSync(join(cwd, 'keys', 'test.rsa.pub'), key.publicKeyPem);
    await writeLocalRepository(join(cwd, 'repo'), {
      key,
      archs: ['x86_64'],
      packages: [
        { name: 'shell', version: '1.0-r0', provides: ['cmd:sh=1.0-r0'], files: [{ path: 'bin/sh', type: 'file', mode: 0o755, data: '#!fake\n' }] },
        {
          name: 'tools',
          version: '2.0-r1',
          depends: ['shell'],
          files: [
            { path: 'usr/bin/tool', type: 'file', mode: 0o755, data: 'tool' },
            { path: 'usr/bin/tool-alias', type: 'symlink', mode: 0o777, linkname: 'tool' },
          ],
        },
      ],
    });
  });

  it('adds melange\'s -r/-k/-p appends to the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prepare-root-append-'));
    const bare: BuildEnvironment = { contents: { repositories: [], keyring: [], packages: [] }, environment: {}, accounts: { users: [], groups: [] }, archs: [] };
    await rootPreparer({ cwd, cacheDir: join(cwd, 'cache'), repositoryAppend: ['./repo'], keyringAppend: ['./keys/test.rsa.pub'], packageAppend: ['tools'] })(bare, X86, dir);
    expect(readFileSync(join(dir, 'etc/apk/world'), 'utf8')).toBe('shell=1.0-r0\ntools=2.0-r1\n');
    expect(readFileSync(join(dir, 'etc/apk/keys/test.rsa.pub'), 'utf8')).toBe(key.publicKeyPem);
  });

  it('writes the resolved environment (with dependencies, keys and the apk database) into the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prepare-root-out-'));
    const logs: string[] = [];
    await rootPreparer({ cwd, cacheDir: join(cwd, 'cache'), log: (l) => logs.push(l) })(environment(['tools']), X86, dir);
    expect(readFileSync(join(dir, 'bin/sh'), 'utf8')).toBe('#!fake\n');
    expect(statSync(join(dir, 'usr/bin/tool')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dir, 'usr/bin/tool-alias'))).toBe('tool');
    expect(readFileSync(join(dir, 'etc/apk/world'), 'utf8')).toBe('shell=1.0-r0\ntools=2.0-r1\n');
    expect(readFileSync(join(dir, 'etc/apk/keys/test.rsa.pub'), 'utf8')).toBe(key.publicKeyPem);
    expect(readFileSync(join(dir, 'usr/lib/apk/db/installed'), 'utf8')).toContain('P:tools\nV:2.0-r1\n');
    expect(statSync(join(dir, 'tmp')).mode & 0o7777).toBe(0o1777);
    expect(logs[0]).toBe('build environment: tools for x86_64');
    expect(logs.at(-1)).toMatch(/^build environment: 2 packages, \d+ files written to /);
  });

  it('fails with the resolver\'s explanation when a package is missing, before writing anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prepare-root-out-'));
    await expect(rootPreparer({ cwd, cacheDir: join(cwd, 'cache') })(environment(['no-such-package']), X86, dir)).rejects.toThrow(UnsatisfiableError);
    expect(existsSync(join(dir, 'etc'))).toBe(false);
  });
});

describe('environmentConfig', () => {
  it('makes a one-arch image config with the environment\'s accounts and paths relative to cwd', () => {
    const env = environment(['busybox'], {
      accounts: { users: [{ username: 'build', uid: 1000, gid: 1000 }], groups: [{ groupname: 'build', gid: 1000, members: ['build'] }], runAs: 'build' },
    });
    const loaded = environmentConfig(env, X86, '/work/here');
    expect(loaded.archs.map((a) => a.apk)).toEqual(['x86_64']);
    expect(loaded.workDir).toBe('/work/here');
    expect(loaded.config.contents.packages).toEqual(['busybox']);
    expect(loaded.config.accounts.users[0]).toMatchObject({ username: 'build', uid: 1000, gid: 1000, homedir: '/home/build' });
    expect(loaded.config.accounts.runAs).toBe('build');
  });

  it('rejects an environment the image schema rejects, naming the melange environment', () => {
    const env = environment(['busybox'], { accounts: { users: [{ username: 'root2', uid: 0 }], groups: [] } });
    expect(() => environmentConfig(env, X86, '/')).toThrow(ConfigError);
    // The position is in the generated config, so only the key path and the reason are pinned.
    expect(() => environmentConfig(env, X86, '/')).toThrow(
      /^melange environment:\d+:\d+: accounts\.users\[0\]\.uid: configured user "root2" has UID 0 \(to run as root, use `run-as: 0`\)$/,
    );
  });
});
