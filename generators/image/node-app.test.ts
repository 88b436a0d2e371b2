import { addProjectConfiguration, readProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { loadMelangeConfig } from '../../engine/format';
import initGenerator from '../init/generator';
import imageGenerator from './generator';

let tree: Tree;
let warnings: string[];

/** The project `nx g @nx/node:app apps/api` writes in Nx 22 (ts solution, esbuild), as package.json targets. */
function nodeApp(t: Tree): void {
  addProjectConfiguration(t, '@ws/api', {
    root: 'apps/api',
    targets: {
      build: { executor: '@nx/esbuild:esbuild', options: { platform: 'node', outputPath: 'apps/api/dist', main: 'apps/api/src/main.ts', format: ['cjs'] } },
      'prune-lockfile': { dependsOn: ['build'], executor: '@nx/js:prune-lockfile', options: { buildTarget: 'build' } },
      'copy-workspace-modules': { dependsOn: ['build'], executor: '@nx/js:copy-workspace-modules', options: { buildTarget: 'build' } },
      prune: { dependsOn: ['prune-lockfile', 'copy-workspace-modules'], executor: 'nx:noop' },
    },
  });
  t.write('apps/api/package.json', JSON.stringify({ name: '@ws/api', version: '0.0.1', private: true, license: 'MIT', dependencies: { ms: '^2.1.3' } }));
  t.write('package-lock.json', '{}');
}

beforeEach(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  warnings = [];
  vi.spyOn(console, 'warn').mockImplementation((m: unknown) => void warnings.push(String(m)));
  tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { keySize: 2048, skipFormat: true });
  nodeApp(tree);
});

const yaml = (path: string) => parse(tree.read(path, 'utf8')!);

describe('image generator on a Node.js app', () => {
  it('writes the app\'s melange.yaml: the build output, then a production install from the pruned lockfile, version from package.json', async () => {
    await imageGenerator(tree, { project: '@ws/api', skipFormat: true });
    const text = tree.read('apps/api/melange.yaml', 'utf8')!;
    const m = parse(text);
    expect(m.package).toMatchObject({ name: 'api', version: '0.0.1', copyright: [{ license: 'MIT' }] });
    expect(m.pipeline[0].runs).toContain('cp -R ./dist/. "${{targets.destdir}}/usr/lib/api/"');
    expect(m.pipeline[1].runs).toBe('cd "${{targets.destdir}}/usr/lib/api"\nnpm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier\n');
    const dir = mkdtempSync(join(tmpdir(), 'apko-nx-node-gen-'));
    writeFileSync(join(dir, 'melange.yaml'), text);
    expect((await loadMelangeConfig(join(dir, 'melange.yaml'))).config.package.name).toBe('api');
  });

  it('makes the package target wait for the build and Nx\'s prune targets', async () => {
    await imageGenerator(tree, { project: '@ws/api', skipFormat: true });
    expect(readProjectConfiguration(tree, '@ws/api').targets!.package).toEqual({ dependsOn: ['build', 'prune'] });
  });

  it('writes an apko.yaml with Wolfi, its Node.js runtime, a non-root account, work-dir, node <main> and NODE_ENV=production', async () => {
    await imageGenerator(tree, { project: '@ws/api', skipFormat: true });
    expect(yaml('apps/api/apko.yaml')).toEqual({
      contents: {
        repositories: ['../../dist/packages/apps/api', 'https://packages.wolfi.dev/os'],
        keyring: ['../../melange.rsa.pub', 'https://packages.wolfi.dev/os/wolfi-signing.rsa.pub'],
        packages: ['wolfi-baselayout', 'api', 'nodejs-22'],
      },
      accounts: { groups: [{ groupname: 'app', gid: 65532 }], users: [{ username: 'app', uid: 65532, gid: 65532 }], 'run-as': 'app' },
      entrypoint: { command: 'node /usr/lib/api/main.js' },
      'work-dir': '/usr/lib/api',
      environment: { NODE_ENV: 'production' },
      archs: ['x86_64'],
    });
    expect(warnings.join('\n')).toContain('nodejs-22 must come from https://packages.wolfi.dev/os, which a generator does not fetch, so this was not checked');
  });

  it('takes Alpine, a chosen runtime package, and extra repositories and keys', async () => {
    await imageGenerator(tree, { project: '@ws/api', base: 'alpine', runtimePackage: 'nodejs-current', repositories: 'https://mirror.example/alpine', keyring: ['https://mirror.example/key.rsa.pub'], skipFormat: true });
    const c = yaml('apps/api/apko.yaml').contents;
    expect(c.packages).toEqual(['alpine-baselayout', 'api', 'nodejs-current']);
    expect(c.repositories.slice(0, 3)).toEqual(['../../dist/packages/apps/api', 'https://mirror.example/alpine', 'https://dl-cdn.alpinelinux.org/alpine/v3.22/main']);
    expect(c.keyring.slice(0, 2)).toEqual(['../../melange.rsa.pub', 'https://mirror.example/key.rsa.pub']);
  });

  it('installs with pnpm or yarn when their lockfile is the workspace\'s, removing their time-stamped bookkeeping', async () => {
    const runs = () => yaml('apps/api/melange.yaml').pipeline[1].runs as string;
    tree.delete('package-lock.json');
    tree.write('pnpm-lock.yaml', 'lockfileVersion: 9.0\n');
    await imageGenerator(tree, { project: '@ws/api', skipFormat: true });
    expect(runs()).toContain('pnpm install --prod --frozen-lockfile --ignore-scripts');
    expect(runs()).toContain('rm -f node_modules/.modules.yaml node_modules/.pnpm-workspace-state*.json');
    tree.delete('pnpm-lock.yaml');
    tree.write('yarn.lock', '');
    await imageGenerator(tree, { project: '@ws/api', overwrite: true, skipFormat: true });
    expect(runs()).toContain('yarn install --production --frozen-lockfile --ignore-scripts');
    expect(runs()).toContain('rm -f node_modules/.yarn-integrity');
    tree.write('.yarnrc.yml', 'nodeLinker: pnp\n');
    await imageGenerator(tree, { project: '@ws/api', overwrite: true, skipFormat: true });
    expect(runs()).toContain('YARN_NODE_LINKER=node-modules YARN_ENABLE_TELEMETRY=0 yarn workspaces focus --all --production');
    expect(yaml('apps/api/melange.yaml').pipeline[1].name).toBe('install the production dependencies (yarn)');
  });

  it('treats a project as a Node.js app with --runtime=node, with the runtime from --repositories only', async () => {
    addProjectConfiguration(tree, 'worker', { root: 'apps/worker', targets: { build: { command: 'tsc' } } });
    await imageGenerator(tree, { project: 'worker', runtime: 'node', base: 'none', repositories: ['/srv/mirror'], keyring: ['/srv/mirror.rsa.pub'], skipFormat: true });
    const c = yaml('apps/worker/apko.yaml');
    expect(c.contents.packages).toEqual(['worker', 'nodejs']);
    expect(c.contents.repositories).toEqual(['../../dist/packages/apps/worker', '/srv/mirror']);
    expect(c.entrypoint.command).toBe('node /usr/lib/worker/main.js');
  });
});

describe('image generator warnings', () => {
  it('warns when no configured repository provides a package', async () => {
    await imageGenerator(tree, { project: 'tools', packages: ['busybox'], entrypoint: '/bin/sh', skipFormat: true });
    expect(warnings).toContainEqual(expect.stringContaining('tools/apko.yaml: no configured repository provides busybox'));
  });

  it('warns when the entrypoint is shipped by none of the workspace packages installed', async () => {
    tree.write('libs/greet/melange.yaml', 'package:\n  name: greet\npipeline:\n  - runs: cp greet "${{targets.destdir}}/usr/bin/greet"\n');
    await imageGenerator(tree, { project: 'hello', packages: ['greet'], entrypoint: '/usr/bin/hello', skipFormat: true });
    expect(warnings).toContainEqual(expect.stringContaining('hello/apko.yaml: the entrypoint /usr/bin/hello is shipped by none of the workspace packages installed (greet)'));
    warnings.length = 0;
    await imageGenerator(tree, { project: 'greeter', packages: ['greet'], entrypoint: '/usr/bin/greet', skipFormat: true });
    expect(warnings).toEqual([]);
  });
});
