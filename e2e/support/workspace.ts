/**
 * Temporary image workspaces for end-to-end tests: a signing key, a local
 * repository of packages the test describes, and an apko.yaml.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '../../engine/apk/keys';
import { writeLocalRepository, type PackageSpec } from '../../engine/example/local-repository';

/** A workspace on disk. */
export interface TestWorkspace {
  readonly dir: string;
  readonly key: KeyPair;
  readonly repo: string;
  write(name: string, text: string): string;
}

let sharedKey: KeyPair | undefined;

/** One 2048-bit key per test process: generation is the slow part. */
export function testKey(): KeyPair {
  sharedKey ??= generateKeyPair('test-signing', 2048);
  return sharedKey;
}

/** Makes a workspace with a signed repository of `packages` for `archs`. */
export async function makeWorkspace(packages: readonly PackageSpec[], archs: readonly string[] = ['x86_64', 'aarch64']): Promise<TestWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), 'apko-e2e-'));
  const key = testKey();
  writeFileSync(join(dir, `${key.publicKeyName}`), key.publicKeyPem);
  writeFileSync(join(dir, `${key.name}.rsa`), key.privateKeyPem);
  const repo = join(dir, 'packages');
  await writeLocalRepository(repo, { key, archs, packages });
  return {
    dir,
    key,
    repo,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
  };
}

/** A base layout package: os-release, passwd/group with root. */
export const BASELAYOUT: PackageSpec = {
  name: 'test-baselayout',
  version: '1.0.0-r0',
  license: 'MIT',
  builddate: 1700000000,
  files: [
    { path: 'etc/os-release', type: 'file', mode: 0o644, data: 'ID=testos\nNAME="Test OS"\nPRETTY_NAME="Test OS 1"\nVERSION_ID="1"\n' },
    { path: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0:root:/root:/bin/sh\n' },
    { path: 'etc/group', type: 'file', mode: 0o644, data: 'root:x:0:root\n' },
    { path: 'etc/motd', type: 'file', mode: 0o640, uid: 0, gid: 4, data: 'owned by group 4\n' },
  ],
};

/** The Debian static busybox as a package, with the applet links the tests use. */
export function busyboxPackage(busybox = '/usr/bin/busybox'): PackageSpec | undefined {
  if (!existsSync(busybox)) return undefined;
  const applets = ['sh', 'id', 'pwd', 'echo', 'cat', 'ls', 'whoami', 'env'];
  return {
    name: 'busybox',
    version: '1.35.0-r0',
    license: 'GPL-2.0-only',
    builddate: 1700000050,
    provides: ['/bin/sh', 'cmd:sh=1.35.0-r0'],
    files: [
      { path: 'bin/busybox', type: 'file', mode: 0o755, data: readFileSync(busybox) },
      ...applets.map((a) => ({ path: `bin/${a}`, type: 'symlink' as const, mode: 0o777, linkname: '/bin/busybox' })),
    ],
  };
}

/** An apko.yaml for a workspace: its own repository and key plus `packages`. */
export function apkoYaml(ws: TestWorkspace, body: { packages: string[]; extra?: string; archs?: string[] }): string {
  return [
    'contents:',
    '  repositories:',
    `    - ${ws.repo}`,
    '  keyring:',
    `    - ${join(ws.dir, ws.key.publicKeyName)}`,
    '  packages:',
    ...body.packages.map((p) => `    - ${p}`),
    `archs: [${(body.archs ?? ['x86_64', 'aarch64']).join(', ')}]`,
    body.extra ?? '',
    '',
  ].join('\n');
}
