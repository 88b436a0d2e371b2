import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../engine/workspace';
import { writeLocalRepository } from '../engine/format';
import { validateLayout } from '../engine/oci';
import { sh } from './support/cli';
import { hasTool, isRoot } from './support/env';
import { startRemoteCache } from './support/nx-remote-cache';
import { startRegistry } from './support/registry';
import { commitAll, digestTree, helloC, makeWorkspace, nxTasks, packPlugin, run, runAsync, runOk, writeFiles } from './support/nx-workspace';

/**
 * The plugin in a real Nx workspace, once with Nx 22 and once with Nx 24:
 * `nx add` from the packed tarball, the generators scaffold an `api` image and
 * an `api-server` package (a static C program built by an Nx `build`
 * target), and then caching, restoring, the graph, `nx affected`, the
 * image running under runc, and an image built from the lock file its lock
 * target wrote.
 */
const ready = hasTool('git') && hasTool('gcc');
const canRun = ready && ['skopeo', 'umoci', 'runc'].every((t) => hasTool(t)) && isRoot();
const canPush = ready && ['docker-registry', 'skopeo'].every((t) => hasTool(t));

const VERSIONS = [
  { major: 22, nx: '22.7.12', devkit: '22.7.12' },
  { major: 24, nx: '24.0.6', devkit: '24.0.0' },
];

const BUILD = {
  command: 'mkdir -p api-server/dist && gcc -static -O2 -o api-server/dist/api-server api-server/src/main.c',
  inputs: ['{projectRoot}/src/**/*'],
  outputs: ['{projectRoot}/dist'],
  cache: true,
};

describe.skipIf(!ready).each(VERSIONS)('the @apko/nx plugin in an Nx $major workspace', ({ major, nx, devkit }) => {
  let ws: string;
  let addOutput: string;
  const nxRun = (...args: string[]) => run(ws, join(ws, 'node_modules', '.bin', 'nx'), [...args]);
  const nxOk = (...args: string[]) => runOk(ws, join(ws, 'node_modules', '.bin', 'nx'), [...args]);

  beforeAll(() => {
    ws = makeWorkspace(
      `apko-nx-e2e-nx${major}-`,
      {
        'package.json': JSON.stringify({ name: 'e2e-workspace', private: true }, null, 2),
        'nx.json': JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', defaultBase: 'main' }, null, 2),
        '.gitignore': 'node_modules\n/dist\n/.nx\n/api-server/dist\n',
        'api-server/src/main.c': helloC('hello from api-server'),
        'api-server/project.json': JSON.stringify({ name: 'api-server', targets: { build: BUILD } }, null, 2),
        'worker/bin/worker': '#!/bin/sh\necho worker\n',
      },
      [`nx@${nx}`, `@nx/devkit@${devkit}`],
    );
    addOutput = nxOk('add', `@apko/nx@file:${packPlugin()}`);
    nxOk('g', '@apko/nx:package', 'api-server', '--bin=api-server');
    nxOk('g', '@apko/nx:image', 'api', '--packages=api-server');
    nxOk('g', '@apko/nx:package', 'worker', '--buildOutput=bin', '--bin=worker');
    nxOk('g', '@apko/nx:image', 'worker');
    commitAll(ws, 'scaffold');
  }, 300_000);

  // A workspace holds ~100 MB of node_modules; APKO_E2E_KEEP=1 keeps it for a look after a failure.
  afterAll(() => {
    if (ws && process.env.APKO_E2E_KEEP !== '1') rmSync(ws, { recursive: true, force: true });
  });

  it('is installed by nx add, whose init registers it, ignores outputs and keys, and makes the signing key pair', () => {
    expect(addOutput).toContain('Generating @apko/nx:init');
    expect(JSON.parse(readFileSync(join(ws, 'nx.json'), 'utf8')).plugins).toEqual(['@apko/nx']);
    expect(readFileSync(join(ws, '.gitignore'), 'utf8')).toContain('*.rsa');
    expect(statSync(join(ws, 'melange.rsa')).mode & 0o777).toBe(0o600);
    const tracked = runOk(ws, 'git', ['ls-files']).split('\n');
    expect(tracked).toContain('melange.rsa.pub');
    expect(tracked).not.toContain('melange.rsa');
  });

  it('infers projects from the scaffolded apko.yaml and melange.yaml files', () => {
    expect(JSON.parse(nxOk('show', 'projects', '--json')).sort()).toEqual(['api', 'api-server', 'worker']);
    const api = JSON.parse(nxOk('show', 'project', 'api', '--json'));
    expect(Object.keys(api.targets).sort()).toEqual(['image', 'lock', 'publish']);
    expect(api.targets.image).toMatchObject({ executor: '@apko/nx:image', cache: true, dependsOn: ['^package'], outputs: ['{workspaceRoot}/dist/images/api'] });
    expect(api.targets.publish).toMatchObject({ cache: false, dependsOn: ['image'] });
    const server = JSON.parse(nxOk('show', 'project', 'api-server', '--json'));
    expect(server.targets.package).toMatchObject({ executor: '@apko/nx:package', dependsOn: ['build'], outputs: ['{workspaceRoot}/dist/packages/api-server'] });
  });

  it('nx run api:image builds api-server (its program, then its package) first, then the image', () => {
    const out = nxOk('run', 'api:image', '--output-style=static');
    expect([...nxTasks(out)]).toEqual([
      ['api-server:build', 'ran'],
      ['api-server:package', 'ran'],
      ['api:image', 'ran'],
    ]);
    expect(existsSync(join(ws, 'dist/packages/api-server/x86_64/APKINDEX.tar.gz'))).toBe(true);
    const index = JSON.parse(readFileSync(join(ws, 'dist/images/api/oci/index.json'), 'utf8'));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('api:latest');
    expect(existsSync(join(ws, 'dist/images/api/sbom-index.spdx.json'))).toBe(true);
  });

  it('passes the layout validator', async () => {
    expect((await validateLayout(join(ws, 'dist/images/api/oci'))).manifests).toBe(1);
  });

  it('is a local cache hit when run again', () => {
    const out = nxOk('run', 'api:image', '--output-style=static');
    expect([...nxTasks(out).values()]).toEqual(['local cache', 'local cache', 'local cache']);
  });

  it('restores deleted outputs from the cache, byte for byte', () => {
    const before = digestTree(join(ws, 'dist'));
    rmSync(join(ws, 'dist'), { recursive: true });
    rmSync(join(ws, 'api-server/dist'), { recursive: true });
    const out = nxOk('run', 'api:image', '--output-style=static');
    expect(nxTasks(out).get('api:image')).toBe('local cache');
    expect(digestTree(join(ws, 'dist'))).toEqual(before);
  });

  it('gets remote cache hits in a second checkout in another directory, since no absolute path enters a hash', async () => {
    const cache = await startRemoteCache();
    const other = mkdtempSync(join(tmpdir(), `apko-nx-e2e-nx${major}-clone-`));
    const scratch = [other];
    try {
      runOk(other, 'git', ['clone', '-q', ws, '.']);
      sh('cp', ['-a', join(ws, 'node_modules'), join(other, 'node_modules')]);
      copyFileSync(join(ws, 'melange.rsa'), join(other, 'melange.rsa'));
      // Nx 22 keeps a record of cached tasks in its workspace data: a fresh cache needs a fresh record too.
      const remote = () => {
        const [local, data] = [mkdtempSync(join(tmpdir(), 'apko-nx-e2e-local-cache-')), mkdtempSync(join(tmpdir(), 'apko-nx-e2e-data-'))];
        scratch.push(local, data);
        return { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url, NX_CACHE_DIRECTORY: local, NX_WORKSPACE_DATA_DIRECTORY: data };
      };
      // A fresh local cache in each checkout and no outputs on disk: the first run builds and uploads, the second can only hit the remote.
      rmSync(join(ws, 'dist'), { recursive: true });
      rmSync(join(ws, 'api-server/dist'), { recursive: true });
      const first = await runAsync(ws, join(ws, 'node_modules', '.bin', 'nx'), ['run', 'api:image', '--output-style=static'], remote());
      expect(first.code, first.output).toBe(0);
      expect(cache.hashes.size, first.output).toBe(3);
      const second = await runAsync(other, join(other, 'node_modules', '.bin', 'nx'), ['run', 'api:image', '--output-style=static'], remote());
      expect(second.code, second.output).toBe(0);
      expect([...nxTasks(second.output).values()]).toEqual(['remote cache', 'remote cache', 'remote cache']);
      expect(digestTree(join(other, 'dist/images'))).toEqual(digestTree(join(ws, 'dist/images')));
    } finally {
      await cache.stop();
      for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('draws the edge api → api-server in nx graph, and none from worker', () => {
    nxOk('graph', '--file=graph.json');
    const graph = JSON.parse(readFileSync(join(ws, 'graph.json'), 'utf8')).graph;
    rmSync(join(ws, 'graph.json'));
    expect(graph.dependencies.api).toEqual([{ source: 'api', target: 'api-server', type: 'implicit' }]);
    expect(graph.dependencies.worker).toEqual([]);
  });

  it.runIf(major >= 24)('hashes the engine package and the package task\'s .apk into the image task', () => {
    const inputs = JSON.parse(nxOk('show', 'target', 'inputs', 'api:image', '--json'));
    expect(inputs.external).toContain('npm:@apko/nx');
    expect(inputs.depOutputs).toEqual(['dist/packages/api-server/x86_64/api-server-0.1.0-r0.apk']);
    expect(inputs.files).toEqual(expect.arrayContaining(['api/apko.yaml', 'melange.rsa.pub']));
  });

  it('rebuilds api, and not worker, in nx affected after api-server\'s sources change', () => {
    nxOk('run-many', '-t', 'image', '--output-style=static');
    writeFileSync(join(ws, 'api-server/src/main.c'), helloC('hello again from api-server'));
    commitAll(ws, 'change api-server');
    const out = nxOk('affected', '-t', 'image', '--base=HEAD~1', '--head=HEAD', '--output-style=static');
    const tasks = nxTasks(out);
    expect(tasks.get('api:image')).toBe('ran');
    expect(tasks.get('api-server:package')).toBe('ran');
    expect([...tasks.keys()].filter((t) => t.startsWith('worker:'))).toEqual([]);
  });

  it('rebuilds only worker\'s image after a change to worker/apko.yaml alone', () => {
    const path = join(ws, 'worker/apko.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('run-as: app', 'run-as: app\nenvironment:\n  MODE: worker'));
    commitAll(ws, 'change worker image');
    const out = nxOk('affected', '-t', 'image', '--base=HEAD~1', '--head=HEAD', '--output-style=static');
    const tasks = nxTasks(out);
    expect(tasks.get('worker:image')).toBe('ran');
    // The package beside the config did not change: its task is a cache hit (or not selected at all).
    expect(tasks.get('worker:package') ?? 'local cache').toBe('local cache');
    expect([...tasks.keys()].filter((t) => t.startsWith('api'))).toEqual([]);
  });

  it.runIf(canRun)('builds an image that runs under runc and prints the app\'s output', () => {
    const work = mkdtempSync(join(tmpdir(), `apko-nx-runc-${major}-`));
    sh('skopeo', ['copy', '--override-arch', 'amd64', `oci:${join(ws, 'dist/images/api/oci')}:api:latest`, `oci:${join(work, 'single')}:img`]);
    sh('umoci', ['unpack', '--image', `${join(work, 'single')}:img`, join(work, 'bundle')]);
    const configPath = join(work, 'bundle', 'config.json');
    const config = JSON.parse(readFileSync(configPath, 'utf8'));
    expect(config.process.args).toEqual(['/usr/bin/api-server']);
    expect(config.process.user).toMatchObject({ uid: 65532, gid: 65532 });
    config.process.terminal = false;
    writeFileSync(configPath, JSON.stringify(config));
    expect(sh('runc', ['run', '--bundle', join(work, 'bundle'), `apko-nx-e2e-${major}-${process.pid}`]).trim()).toBe('hello again from api-server');
  });

  it.runIf(canPush)('pushes with nx run api:publish --tags, the same index the image target built', async () => {
    const registry = await startRegistry();
    try {
      const ref = `${registry.host}/api:1.0`;
      const out = nxOk('run', 'api:publish', `--tags=${ref}`, '--output-style=static');
      expect(nxTasks(out).get('api:image')).toBe('local cache');
      const local = JSON.parse(readFileSync(join(ws, 'dist/images/api/oci/index.json'), 'utf8')).manifests[0].digest;
      expect(out).toContain(`${registry.host}/api@${local}`);
      const pushed = JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`]));
      expect(pushed.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(['amd64']);
    } finally {
      await registry.stop();
    }
  });

  it('fails a broken image config with the engine\'s message and no stack', () => {
    writeFileSync(join(ws, 'worker/apko.yaml'), 'contents:\n  packages: [worker]\n  repositories: [../nowhere]\n  keyring: [../melange.rsa.pub]\n');
    const r = nxRun('run', 'worker:image', '--output-style=static', '--skip-nx-cache');
    runOk(ws, 'git', ['checkout', '--', 'worker/apko.yaml']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('building worker:latest failed: ');
    expect(r.output).not.toMatch(/^\s+at .*executor\.js/m);
  });

  it('builds from the lock file nx run <p>:lock wrote: the locked version, not a newer one; a stale lock fails with the lock error', async () => {
    const key = generateKeyPair('pinned', 2048);
    const tool = (version: string) => ({ name: 'pinned-tool', version, builddate: 1700000000, files: [{ path: 'usr/bin/pinned-tool', type: 'file' as const, mode: 0o755, data: `#!/bin/sh\necho ${version}\n` }] });
    const repo = (versions: string[]) => writeLocalRepository(join(ws, 'pinned-repo'), { key, archs: ['x86_64'], packages: versions.map(tool) });
    const installed = () =>
      JSON.parse(readFileSync(join(ws, 'dist/images/pinned/sbom-x86_64.spdx.json'), 'utf8'))
        .packages.filter((p: { name: string }) => p.name === 'pinned-tool')
        .map((p: { versionInfo: string }) => p.versionInfo);
    const config = 'contents:\n  repositories: [../pinned-repo]\n  keyring: [../pinned.rsa.pub]\n  packages: [pinned-tool]\narchs: [x86_64]\n';
    writeFiles(ws, { 'pinned.rsa.pub': key.publicKeyPem, 'pinned/apko.yaml': config });
    await repo(['1.0.0-r0']);
    expect(JSON.parse(nxOk('show', 'project', 'pinned', '--json')).targets.image.options).not.toHaveProperty('lockfile');

    nxOk('run', 'pinned:lock', '--output-style=static');
    const lock = JSON.parse(readFileSync(join(ws, 'pinned/apko.lock.json'), 'utf8'));
    expect(lock.contents.packages.map((p: { name: string; version: string }) => `${p.name}-${p.version}`)).toEqual(['pinned-tool-1.0.0-r0']);
    expect(JSON.parse(nxOk('show', 'project', 'pinned', '--json')).targets.image.options.lockfile).toBe('pinned/apko.lock.json');

    await repo(['1.0.0-r0', '1.1.0-r0']);
    nxOk('run', 'pinned:image', '--output-style=static');
    expect(installed()).toEqual(['1.0.0-r0']);

    writeFileSync(join(ws, 'pinned/apko.yaml'), `${config}environment:\n  MODE: changed\n`);
    const stale = nxRun('run', 'pinned:image', '--output-style=static');
    expect(stale.code).not.toBe(0);
    expect(stale.output).toMatch(/the lock file \S+apko\.lock\.json was made for another version of \S+apko\.yaml/);
    expect(stale.output).toContain('hint: re-run nx run pinned:lock');

    // Without the lock file the same config installs the newest version: the lock is what pinned it.
    rmSync(join(ws, 'pinned/apko.lock.json'));
    nxOk('run', 'pinned:image', '--output-style=static');
    expect(installed()).toEqual(['1.1.0-r0']);
  });
});
