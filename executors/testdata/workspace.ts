/**
 * A workspace for executor tests: a signing key pair at the root (as init
 * makes it), a signed local repository with one small package under
 * dist/packages/hello, and an image project `app/` whose apko.yaml refers
 * to both by paths relative to itself, as the image generator writes them.
 */
import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '../../engine/workspace';
import { writeLocalRepository } from '../../engine/format';

let key: KeyPair | undefined;

/** One 2048-bit key per test file. */
export function testKey(): KeyPair {
  key ??= generateKeyPair('melange', 2048);
  return key;
}

export const APP_APKO_YAML = `contents:
  repositories: [../dist/packages/hello]
  keyring: [../melange.rsa.pub]
  packages: [hello]
accounts:
  groups: [{ groupname: app, gid: 65532 }]
  users: [{ username: app, uid: 65532, gid: 65532 }]
  run-as: app
entrypoint:
  command: /usr/bin/hello
archs: [x86_64]
`;

/** Makes the workspace; returns its root. */
export async function makeExecutorWorkspace(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'apko-nx-exec-'));
  const k = testKey();
  writeFileSync(join(root, 'melange.rsa'), k.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(root, 'melange.rsa.pub'), k.publicKeyPem);
  await writeLocalRepository(join(root, 'dist', 'packages', 'hello'), {
    key: k,
    archs: ['x86_64'],
    packages: [{ name: 'hello', version: '1.0.0-r0', builddate: 1700000000, files: [{ path: 'usr/bin/hello', type: 'file', mode: 0o755, data: '#!/bin/sh\necho hello\n' }] }],
  });
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'apko.yaml'), APP_APKO_YAML);
  return root;
}

/** The ExecutorContext Nx passes, reduced to what the executors read. */
export function executorContext(root: string, projectName = 'app', targetName = 'image'): ExecutorContext {
  return {
    root,
    cwd: root,
    isVerbose: false,
    projectName,
    targetName,
    projectsConfigurations: { version: 2, projects: {} },
    nxJsonConfiguration: {},
    projectGraph: { nodes: {}, dependencies: {} },
  } as ExecutorContext;
}
