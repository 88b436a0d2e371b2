/**
 * Golden images: fixed packages signed with a committed test key, fixed
 * configs, a fixed SOURCE_DATE_EPOCH; the digests of what they build are
 * pinned in expected.json, so a refactoring that changes any byte of an image
 * fails here and says which part moved (layer content, config, compression).
 * Regenerate only on purpose: `UPDATE_GOLDEN=1 npx vitest run e2e/golden`,
 * and review the diff in the commit.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImageFromConfig, normalizeBuildRequest } from '../../engine';
import { writeLocalRepository, type PackageSpec } from '../../engine/example/local-repository';

const HERE = __dirname;
const EXPECTED = join(HERE, 'expected.json');
const KEY = {
  name: 'golden',
  publicKeyName: 'golden.rsa.pub',
  privateKeyPem: readFileSync(join(HERE, 'golden.rsa'), 'utf8'),
  publicKeyPem: readFileSync(join(HERE, 'golden.rsa.pub'), 'utf8'),
};

const PACKAGES: readonly PackageSpec[] = [
  {
    name: 'base', version: '1.0.0-r0', license: 'MIT', builddate: 1700000000, origin: 'base',
    files: [
      { path: 'etc/os-release', type: 'file', mode: 0o644, data: 'ID=g\nNAME="G"\nVERSION_ID="1"\n' },
      { path: 'etc/passwd', type: 'file', mode: 0o644, data: 'root:x:0:0:root:/root:/bin/sh\n' },
      { path: 'etc/group', type: 'file', mode: 0o644, data: 'root:x:0:root\n' },
    ],
  },
  {
    name: 'libfoo', version: '2.1-r3', license: 'Apache-2.0', builddate: 1700000100, origin: 'foo', provides: ['so:libfoo.so.2=2'],
    files: [{ path: 'usr/lib/libfoo.so.2', type: 'file', mode: 0o755, data: 'x'.repeat(5000) }],
  },
  {
    name: 'foo', version: '2.1-r3', license: 'Apache-2.0', builddate: 1700000100, origin: 'foo', depends: ['so:libfoo.so.2', 'base'],
    files: [{ path: 'usr/bin/foo', type: 'file', mode: 0o755, data: '#!/bin/sh\necho foo\n' }],
  },
  {
    name: 'bar', version: '0.9-r0', license: 'GPL-2.0-only', builddate: 1700000200, origin: 'bar', depends: ['foo'],
    files: [
      { path: 'usr/share/bar/data', type: 'file', mode: 0o644, data: 'y'.repeat(20000) },
      { path: 'usr/bin/bar', type: 'symlink', mode: 0o777, linkname: '/usr/bin/foo' },
    ],
  },
];

const HEAD = 'contents:\n  repositories: [./packages]\n  keyring: [./golden.rsa.pub]\n';
const CONFIGS: Readonly<Record<string, string>> = {
  plain: `${HEAD}  packages: [bar]\narchs: [x86_64, aarch64]\n`,
  accounts:
    `${HEAD}  packages: [foo]\naccounts:\n  groups: [{groupname: app, gid: 1000}]\n  users: [{username: app, uid: 1000, gid: 1000}]\n  run-as: app\n` +
    'entrypoint:\n  command: /usr/bin/foo --x "a b"\nenvironment:\n  A: "1"\n  PATH: /usr/bin\nwork-dir: /home/app\n' +
    'paths:\n  - {path: /data, type: directory, uid: 1000, gid: 1000, permissions: 0o755}\nannotations:\n  org.example: "yes"\narchs: [x86_64]\n',
  layered: `${HEAD}  packages: [bar]\nlayering:\n  strategy: origin\n  budget: 3\narchs: [x86_64]\n`,
};

/** What is pinned per config: the index digest, and per arch the manifest, config and each layer's two digests. */
interface Golden {
  index: string;
  images: Array<{ arch: string; manifest: string; config: string; layers: Array<{ diffId: string; digest: string }> }>;
}

let dir: string;
const built: Record<string, Golden> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'apko-golden-'));
  writeFileSync(join(dir, 'golden.rsa.pub'), KEY.publicKeyPem);
  await writeLocalRepository(join(dir, 'packages'), { key: KEY, archs: ['x86_64', 'aarch64'], packages: PACKAGES });
  for (const [name, text] of Object.entries(CONFIGS)) {
    writeFileSync(join(dir, `${name}.yaml`), text);
    const result = await buildImageFromConfig(
      normalizeBuildRequest({ config: `${name}.yaml`, tag: `g/${name}:1`, cacheDir: join(dir, 'cache'), sbom: false, env: { SOURCE_DATE_EPOCH: '1700000500' } }, dir),
    );
    built[name] = {
      index: result.indexDigest,
      images: result.index.images.map((img, i) => ({
        arch: result.images[i]!.arch,
        manifest: img.manifest.digest,
        config: img.config.digest,
        layers: img.layers.map((l) => ({ diffId: l.diffId, digest: l.digest })),
      })),
    };
  }
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(EXPECTED, `${JSON.stringify(built, null, 2)}\n`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('golden images', () => {
  const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, Golden>;

  it.each(Object.keys(CONFIGS))('%s: every layer has the pinned content (diff_id) and compressed bytes', (name) => {
    const got = built[name]!;
    const want = expected[name]!;
    expect(got.images.map((i) => i.arch)).toEqual(want.images.map((i) => i.arch));
    got.images.forEach((img, i) => {
      // diff_ids first: they change only when the files or their headers do, never with the compressor.
      expect(img.layers.map((l) => l.diffId), `${name} ${img.arch}: layer content`).toEqual(want.images[i]!.layers.map((l) => l.diffId));
      expect(img.layers.map((l) => l.digest), `${name} ${img.arch}: compressed layers`).toEqual(want.images[i]!.layers.map((l) => l.digest));
      expect(img.config, `${name} ${img.arch}: image config`).toBe(want.images[i]!.config);
      expect(img.manifest, `${name} ${img.arch}: manifest`).toBe(want.images[i]!.manifest);
    });
    expect(got.index, `${name}: index`).toBe(want.index);
  });
});
