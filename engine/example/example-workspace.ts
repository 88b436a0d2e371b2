/**
 * The bundled example: a small two-arch image made from packages this project
 * writes and signs itself, so `apko-nx example` runs on a fresh machine with
 * no internet. The key is generated once per workspace directory and kept, so
 * rebuilding the example gives the same bytes.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { writeLocalRepository, type PackageSpec } from './local-repository';

/** The example's packages: a base layout and a greeting program. */
export const EXAMPLE_PACKAGES: readonly PackageSpec[] = [
  {
    name: 'example-baselayout',
    version: '1.0.0-r0',
    description: 'base filesystem layout for the apko-nx example',
    license: 'Apache-2.0',
    builddate: 1700000000,
    files: [
      {
        path: 'etc/os-release',
        type: 'file',
        mode: 0o644,
        data: 'ID=apko-nx-example\nNAME="apko-nx example"\nPRETTY_NAME="apko-nx example 1.0"\nVERSION_ID="1.0"\nHOME_URL="https://example.com/"\n',
      },
      { path: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0:root:/root:/bin/sh\n' },
      { path: 'etc/group', type: 'file', mode: 0o644, data: 'root:x:0:root\n' },
      { path: 'root', type: 'dir', mode: 0o700 },
      { path: 'var/lib/example', type: 'dir', mode: 0o755 },
    ],
  },
  {
    name: 'example-hello',
    version: '1.2.3-r1',
    description: 'prints a greeting',
    license: 'MIT',
    builddate: 1700000100,
    depends: ['example-baselayout'],
    files: [
      { path: 'usr/bin/hello', type: 'file', mode: 0o755, data: '#!/bin/sh\necho "hello from an apko-nx image"\n' },
      { path: 'usr/share/doc/example-hello/README', type: 'file', mode: 0o644, data: 'A package built by apko-nx for its example image.\n' },
    ],
  },
];

/** The example's apko.yaml, relative to the workspace directory. */
export const EXAMPLE_CONFIG = `# The apko-nx example image: packages from a local, signed repository.
contents:
  repositories:
    - ./packages
  keyring:
    - ./example.rsa.pub
  packages:
    - example-hello

accounts:
  groups:
    - groupname: app
      gid: 10000
  users:
    - username: app
      uid: 10000
      gid: 10000
  run-as: app

entrypoint:
  command: /usr/bin/hello

work-dir: /home/app

environment:
  GREETING: hello

annotations:
  org.opencontainers.image.title: apko-nx example

archs:
  - x86_64
  - aarch64
`;

/** Where the example's files are. */
export interface ExampleWorkspace {
  readonly dir: string;
  readonly configPath: string;
  readonly repositoryDir: string;
}

async function keyFor(dir: string): Promise<KeyPair> {
  const priv = join(dir, 'example.rsa');
  const pub = join(dir, 'example.rsa.pub');
  if (existsSync(priv) && existsSync(pub)) {
    return { name: 'example', publicKeyName: 'example.rsa.pub', privateKeyPem: await readFile(priv, 'utf8'), publicKeyPem: await readFile(pub, 'utf8') };
  }
  const key = generateKeyPair('example', 2048);
  await writeFile(priv, key.privateKeyPem, { mode: 0o600 });
  await writeFile(pub, key.publicKeyPem);
  return key;
}

/** Writes (or refreshes) the example workspace in `dir`: key, signed repository, apko.yaml. */
export async function writeExampleWorkspace(dir: string): Promise<ExampleWorkspace> {
  await mkdir(dir, { recursive: true });
  const key = await keyFor(dir);
  const repositoryDir = join(dir, 'packages');
  await writeLocalRepository(repositoryDir, { key, archs: ['x86_64', 'aarch64'], packages: EXAMPLE_PACKAGES });
  const configPath = join(dir, 'apko.yaml');
  await writeFile(configPath, EXAMPLE_CONFIG);
  return { dir, configPath, repositoryDir };
}
