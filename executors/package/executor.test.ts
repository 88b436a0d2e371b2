import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('keeps git facts out by default and records HEAD only with vcs', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t', GIT_COMMITTER_DATE: '1700000000 +0000' } }).trim();
    git('init', '-q');
    git('add', 'greeter');
    git('commit', '-q', '-m', 'greeter');
    const head = git('rev-parse', 'HEAD');
    const keyring = new Map([['melange.rsa.pub', testKey().publicKeyPem]]);
    const built = async (extra: { vcs?: boolean }) => {
      const ctx = executorContext(root, 'greeter', 'package');
      expect(await packageExecutor({ config: 'greeter/melange.yaml', outputPath: 'dist/packages/vcs', archs: ['x86_64'], ...extra }, ctx)).toEqual({ success: true });
      return readApkBytes(readFileSync(join(root, 'dist/packages/vcs/x86_64/greeter-1.2.0-r0.apk')), { keyring }).pkginfo;
    };
    const plain = await built({});
    expect(plain.commit ?? '').toBe('');
    expect(plain.builddate ?? 0).toBe(0);
    const withVcs = await built({ vcs: true });
    expect(withVcs.commit).toBe(head);
    expect(withVcs.builddate).toBe(1700000000);
    rmSync(join(root, '.git'), { recursive: true, force: true });
  });

  it('leaves the previous repository whole when the build fails', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const repo = join(root, 'dist', 'packages', 'keep');
    expect(await packageExecutor({ config: 'greeter/melange.yaml', outputPath: 'dist/packages/keep' }, executorContext(root, 'greeter', 'package'))).toEqual({ success: true });
    const before = readFileSync(join(repo, 'x86_64', 'APKINDEX.tar.gz'));
    mkdirSync(join(root, 'broken'), { recursive: true });
    writeFileSync(join(root, 'broken', 'melange.yaml'), MELANGE.replace('cp ./dist/greeter', 'exit 3; cp ./dist/greeter'));
    const result = await packageExecutor({ config: 'broken/melange.yaml', outputPath: 'dist/packages/keep' }, executorContext(root, 'broken', 'package'));
    expect(result.success).toBe(false);
    expect(readFileSync(join(repo, 'x86_64', 'APKINDEX.tar.gz'))).toEqual(before);
    expect(readdirSync(join(repo, 'x86_64')).sort()).toEqual(['APKINDEX.tar.gz', 'greeter-1.2.0-r0.apk']);
    // No staging directory is left beside it.
    expect(readdirSync(join(root, 'dist', 'packages')).filter((f) => f.includes('keep'))).toEqual(['keep']);
  });

  it('refuses to package when an output the build target declares is missing, naming the path and the build to run', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const ctx = executorContext(root, 'greeter', 'package');
    ctx.projectsConfigurations.projects.greeter = {
      root: 'greeter',
      targets: { compile: { executor: 'nx:run-commands', outputs: ['{projectRoot}/dist', '{options.outputPath}/**/*.js', '{options.outputPath}/x.tsbuildinfo', '{workspaceRoot}/coverage/{projectName}'], options: { outputPath: 'greeter/out' } } },
    };
    const result = await packageExecutor({ config: 'greeter/melange.yaml', outputPath: 'dist/packages/greeter', buildTarget: 'compile' }, ctx);
    expect(result.success).toBe(false);
    expect(result.error).toBe(
      'greeter/out, coverage/greeter do not exist: greeter:compile declares them as its outputs, which greeter/melange.yaml packages\n' +
        'hint: run nx run greeter:compile first (the package target depends on it: do not skip it with --exclude-task-dependencies)',
    );
    // A project without that target is packaged as is (the default build target name).
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await packageExecutor({ config: 'greeter/melange.yaml', outputPath: 'dist/packages/greeter' }, ctx)).toEqual({ success: true });
  });

  it('passes lintRequire and lintWarn to the build: linters that find nothing pass, an unknown one fails the task', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const options = { config: 'greeter/melange.yaml', outputPath: 'dist/packages/lint-check', archs: ['x86_64'], runner: 'host' as const };
    const strict = await packageExecutor({ ...options, lintRequire: ['lddcheck', 'usrlocal'], lintWarn: [] }, executorContext(root));
    expect(strict).toEqual({ success: true });
    const unknown = await packageExecutor({ ...options, lintWarn: ['nope'] }, executorContext(root));
    expect(unknown.success).toBe(false);
    expect(unknown.error).toContain('--lint-warn: unknown linter "nope"');
  });

  it("never gives the steps the workspace's melange-cache/, which no task hash covers", async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    mkdirSync(join(root, 'melange-cache', 'gomodcache'), { recursive: true });
    writeFileSync(join(root, 'melange-cache', 'seed'), 'from an earlier run\n');
    mkdirSync(join(root, 'cachecheck'), { recursive: true });
    writeFileSync(
      join(root, 'cachecheck', 'melange.yaml'),
      MELANGE.replace('name: greeter', 'name: cachecheck').replace(
        'cp ./dist/greeter "${{targets.destdir}}/usr/bin/greeter"',
        'echo "$GOMODCACHE" > "${{targets.destdir}}/usr/bin/gomod"',
      ),
    );
    const options = { config: 'cachecheck/melange.yaml', outputPath: 'dist/packages/cachecheck', archs: ['x86_64'], runner: 'host' as const };
    expect(await packageExecutor(options, executorContext(root, 'cachecheck', 'package'))).toEqual({ success: true });
    const apk = readApkBytes(readFileSync(join(root, 'dist', 'packages', 'cachecheck', 'x86_64', 'cachecheck-1.2.0-r0.apk')), { keyring: new Map([['melange.rsa.pub', testKey().publicKeyPem]]) });
    const gomod = apk.dataEntries.find((e) => e.name === 'usr/bin/gomod')!.data!.toString().trim();
    expect(gomod).not.toContain('melange-cache');
    rmSync(join(root, 'melange-cache'), { recursive: true, force: true });
  });
});
