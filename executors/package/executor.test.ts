import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readApkBytes, readApkIndex } from '../../engine/format';
import { executorContext, makeExecutorWorkspace, testKey } from '../testdata/workspace';
import packageExecutor from './executor';

let root: string;

const MELANGE = `package:
  name: greeter
  version: 1.2.0
  epoch: 0
  description: says hello
  copyright:
    - license: MIT
pipeline:
  - runs: |
      mkdir -p "\${{targets.destdir}}/usr/bin"
      cp ./dist/greeter "\${{targets.destdir}}/usr/bin/greeter"
`;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
  mkdirSync(join(root, 'greeter', 'dist'), { recursive: true });
  writeFileSync(join(root, 'greeter', 'melange.yaml'), MELANGE);
  writeFileSync(join(root, 'greeter', 'dist', 'greeter'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
});

afterEach(() => vi.restoreAllMocks());

describe('package executor', () => {
  it('builds each arch into the task\'s own repository, signed with the workspace key, replacing what was there', async () => {
    const logged: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void logged.push(line));
    const repo = join(root, 'dist', 'packages', 'greeter');
    mkdirSync(join(repo, 'x86_64'), { recursive: true });
    writeFileSync(join(repo, 'x86_64', 'greeter-1.0.0-r0.apk'), 'stale');
    const result = await packageExecutor(
      { config: 'greeter/melange.yaml', outputPath: 'dist/packages/greeter', archs: ['x86_64', 'aarch64'] },
      executorContext(root, 'greeter', 'package'),
    );
    expect(result).toEqual({ success: true });
    expect(existsSync(join(repo, 'x86_64', 'greeter-1.0.0-r0.apk'))).toBe(false);
    expect(logged.filter((l) => l.includes(' → '))).toEqual([
      'x86_64: greeter-1.2.0-r0 → dist/packages/greeter/x86_64/greeter-1.2.0-r0.apk',
      'aarch64: greeter-1.2.0-r0 → dist/packages/greeter/aarch64/greeter-1.2.0-r0.apk',
    ]);
    const keyring = new Map([['melange.rsa.pub', testKey().publicKeyPem]]);
    for (const arch of ['x86_64', 'aarch64']) {
      const index = readApkIndex(readFileSync(join(repo, arch, 'APKINDEX.tar.gz')), { keyring });
      expect(index.entries.map((e) => `${e.name}-${e.version}`)).toEqual(['greeter-1.2.0-r0']);
      const apk = readApkBytes(readFileSync(join(repo, arch, 'greeter-1.2.0-r0.apk')), { keyring });
      expect(apk.pkginfo.arch).toBe(arch);
    }
  });

  it('fails with a hint naming the init generator when the signing key is missing', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await packageExecutor({ config: 'greeter/melange.yaml', outputPath: 'dist/packages/greeter', signingKey: 'keys/none.rsa' }, executorContext(root));
    expect(result.success).toBe(false);
    expect(result.error).toMatch(/^cannot read the signing key keys\/none\.rsa\n/);
    expect(result.error).toContain('hint: create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`)');
  });
});
