import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readApkIndex } from '../../engine/format';
import { generateKeyPair, type KeyPair } from '../../engine/workspace';
import packageExecutor from '../package/executor';
import { executorContext, makeExecutorWorkspace, testKey } from '../testdata/workspace';
import imageExecutor from './executor';

/**
 * A teammate without the workspace's private key: the checkout has
 * melange.rsa.pub only. With a key of their own (melange.local.rsa, made by
 * `apko-nx melange keygen melange.local`) the package target signs with it
 * and the image target trusts it through localKeyring; in CI the workspace
 * key comes from APKO_NX_SIGNING_KEY instead, with no key file on disk.
 */
let root: string;
let local: KeyPair;

const MELANGE = `package:
  name: greeter
  version: 1.0.0
  epoch: 0
  description: says hello
  copyright:
    - license: MIT
pipeline:
  - runs: |
      mkdir -p "\${{targets.destdir}}/usr/bin"
      printf '#!/bin/sh\\necho hi\\n' > "\${{targets.destdir}}/usr/bin/greeter"
      chmod 755 "\${{targets.destdir}}/usr/bin/greeter"
`;
const APKO = 'contents:\n  repositories: [../dist/packages/greeter]\n  keyring: [../melange.rsa.pub]\n  packages: [greeter]\narchs: [x86_64]\n';

beforeAll(async () => {
  root = await makeExecutorWorkspace();
  rmSync(join(root, 'melange.rsa'));
  local = generateKeyPair('melange.local', 2048);
  mkdirSync(join(root, 'greeter'));
  writeFileSync(join(root, 'greeter', 'melange.yaml'), MELANGE);
  writeFileSync(join(root, 'greeter', 'apko.yaml'), APKO);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const pkg = () => packageExecutor({ config: 'greeter/melange.yaml', outputPath: 'dist/packages/greeter', archs: ['x86_64'] }, executorContext(root, 'greeter', 'package'));
const image = (localKeyring?: string) =>
  imageExecutor({ config: 'greeter/apko.yaml', outputPath: 'dist/images/greeter', cacheDir: '.cache', ...(localKeyring ? { localKeyring } : {}) }, executorContext(root, 'greeter'));
const indexKeyName = () => {
  const keyring = new Map([
    ['melange.rsa.pub', testKey().publicKeyPem],
    ['melange.local.rsa.pub', local.publicKeyPem],
  ]);
  return readApkIndex(readFileSync(join(root, 'dist/packages/greeter/x86_64/APKINDEX.tar.gz')), { keyring }).signedBy;
};

describe('building without the workspace private key', () => {
  it('fails to package with every key source named when there is no key at all', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubEnv('APKO_NX_SIGNING_KEY', '');
    vi.stubEnv('APKO_NX_SIGNING_KEY_FILE', '');
    const result = await pkg();
    expect(result.success).toBe(false);
    expect(result.error).toContain('cannot read the signing key melange.rsa');
    expect(result.error).toContain('APKO_NX_SIGNING_KEY (unset), APKO_NX_SIGNING_KEY_FILE (unset), melange.rsa (no such file), melange.local.rsa (no such file)');
  });

  it('packages with the local key, and the image builds when localKeyring trusts it, and only then', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.stubEnv('APKO_NX_SIGNING_KEY', '');
    vi.stubEnv('APKO_NX_SIGNING_KEY_FILE', '');
    writeFileSync(join(root, 'melange.local.rsa'), local.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(root, 'melange.local.rsa.pub'), local.publicKeyPem);
    expect(await pkg()).toEqual({ success: true });
    expect(indexKeyName()).toBe('melange.local.rsa.pub');
    const untrusted = await image();
    expect(untrusted.success).toBe(false);
    expect(untrusted.error).toContain('melange.local.rsa.pub');
    expect(await image('melange.local.rsa.pub')).toEqual({ success: true });
    // The committed public key was not touched.
    expect(readFileSync(join(root, 'melange.rsa.pub'), 'utf8')).toBe(testKey().publicKeyPem);
  });

  it('in CI packages with the workspace key from APKO_NX_SIGNING_KEY, signing as melange.rsa.pub, so the image needs no local key', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('APKO_NX_SIGNING_KEY', testKey().privateKeyPem);
    expect(await pkg()).toEqual({ success: true });
    expect(indexKeyName()).toBe('melange.rsa.pub');
    rmSync(join(root, 'melange.local.rsa.pub'));
    expect(await image('melange.local.rsa.pub')).toEqual({ success: true });
  });
});
