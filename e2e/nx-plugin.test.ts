import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateKeyPair } from '../engine/workspace';
import { writeLocalRepository } from '../engine/format';
import { validateLayout } from '../engine/oci';
import { sh } from './support/cli';
import { hasTool, isRoot } from './support/env';
import { startRemoteCache } from './support/nx-remote-cache';
import { startRegistry, type RunningRegistry } from './support/registry';
import { commitAll, digestTree, helloC, makeNxWorkspace, nxTasks, packPlugin, readmeNxCommands, runAsync, runAsyncOk, runOk, writeFiles } from './support/nx-workspace';

// Each test awaits real nx commands (builds, installs), which can take minutes on a busy machine.
vi.setConfig({ testTimeout: 600_000 });

/**
 * The plugin in real Nx workspaces made as users make them: Nx 22 by
 * create-nx-workspace --preset=ts, Nx 24 by `nx init` in an npm package.
 * Only the packed plugin is installed (no @nx/devkit beside it), by `nx add`
 * on 22 and by `npm i -D` + `nx g @apko/nx:init` on 24, and then the
 * README's Nx section runs command by command, as written: its example
 * api-server (a workspace package whose build script compiles a static C
 * program), the package and image generators, the image, affected and
 * publish. The rest follows in the same workspace: caching, restoring, the
 * remote cache, the graph, `nx affected`, the image running under runc, and
 * an image built from the lock file its lock target wrote.
 */
const ready = hasTool('git') && hasTool('gcc');
const canRun = ready && ['skopeo', 'umoci', 'runc'].every((t) => hasTool(t)) && isRoot();
const canPush = ready && ['docker-registry', 'skopeo'].every((t) => hasTool(t));

const VERSIONS = [
  { major: 22 as const, route: 'add' as const },
  { major: 24 as const, route: 'npm' as const },
];

/** Where the README's example project lives and where its package goes. */
const SERVER = 'packages/api-server';
const SERVER_REPO = `dist/packages/${SERVER}`;
const README = readmeNxCommands();

describe.skipIf(!ready).each(VERSIONS)('the @apko/nx plugin in an Nx $major workspace', ({ major, route }) => {
  let ws: string;
  let registry: RunningRegistry | undefined;
  const installOutput: string[] = [];
  /** Output of each README command that ran, by line. */
  const readme = new Map<string, string>();
  // Asynchronous: an nx command can take over a minute, and a worker blocked that long fails vitest's reporting.
  const nxRun = (...args: string[]) => runAsync(ws, join(ws, 'node_modules', '.bin', 'nx'), [...args]);
  const nxOk = (...args: string[]) => runAsyncOk(ws, join(ws, 'node_modules', '.bin', 'nx'), [...args]);
  /** A README line as this workspace runs it: the packed plugin for @apko/nx, the local registry for registry.example.com. */
  const localize = (line: string) =>
    line
      .replace(/^nx add @apko\/nx$/, `nx add @apko/nx@file:${packPlugin()}`)
      .replace(/^npm i -D @apko\/nx$/, `npm i -D ${packPlugin()}`)
      .replace('registry.example.com', registry?.host ?? 'registry.example.com');
  const sh$ = (line: string) => runAsync(ws, 'sh', ['-c', localize(line)], { PATH: `${join(ws, 'node_modules', '.bin')}:${process.env.PATH}` });

  beforeAll(async () => {
    ws = await makeNxWorkspace(major, `apko-nx-e2e-nx${major}-`);
  }, 600_000);

  // A workspace holds ~100 MB of node_modules; APKO_E2E_KEEP=1 keeps it for a look after a failure.
  afterAll(async () => {
    await registry?.stop();
    if (ws && process.env.APKO_E2E_KEEP !== '1') rmSync(major === 22 ? dirname(ws) : ws, { recursive: true, force: true });
  });

  it(`is installed by the README's ${route === 'add' ? 'nx add' : 'npm i -D + nx g init'} route alone, whose init registers it, ignores outputs and keys, and makes the signing key pair`, async () => {
    for (const { line } of README.filter((c) => c.kind === route)) {
      const r = await sh$(line);
      expect(r.code, `${line}\n${r.output}`).toBe(0);
      installOutput.push(r.output);
    }
    expect(installOutput.length).toBe(route === 'add' ? 1 : 2);
    if (route === 'add') expect(installOutput.join('')).toContain('Generating @apko/nx:init');
    expect(installOutput.join('')).toContain('created the workspace signing key melange.rsa');
    expect(JSON.parse(readFileSync(join(ws, 'package.json'), 'utf8')).devDependencies).toHaveProperty('@apko/nx');
    // Nx 24's workspace has no @nx/devkit of its own: the plugin must not need one (nor bring one).
    if (major === 24) expect(existsSync(join(ws, 'node_modules', '@nx', 'devkit'))).toBe(false);
    expect(JSON.parse(readFileSync(join(ws, 'nx.json'), 'utf8')).plugins).toContain('@apko/nx');
    expect(readFileSync(join(ws, '.gitignore'), 'utf8')).toContain('*.rsa');
    expect(statSync(join(ws, 'melange.rsa')).mode & 0o777).toBe(0o600);
    commitAll(ws, 'add @apko/nx');
    const tracked = runOk(ws, 'git', ['ls-files']).split('\n');
    expect(tracked).toContain('melange.rsa.pub');
    expect(tracked).not.toContain('melange.rsa');
  }, 300_000);

  it('reports under --dry-run what the package generator would write, writes nothing and claims nothing', async () => {
    const r = await nxRun('g', '@apko/nx:package', 'dry-server', '--bin=dry-server', '--dry-run');
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('CREATE dry-server/melange.yaml');
    expect(r.output).not.toMatch(/\b(created|wrote|written)\b/i);
    expect(existsSync(join(ws, 'dry-server'))).toBe(false);
    expect(runOk(ws, 'git', ['status', '--porcelain'])).toBe('');
  });

  it('runs the README quickstart command by command, as written', async () => {
    registry = canPush ? await startRegistry() : undefined;
    for (const { line, kind } of README.filter((c) => c.kind === 'setup' || c.kind === 'quickstart')) {
      if (line.includes('registry.example.com') && !registry) continue;
      const r = await sh$(line);
      expect(r.code, `${line}\n${r.output}`).toBe(0);
      readme.set(line, r.output);
      // The example project exists and its build target is inferred from package.json, not project.json.
      if (kind === 'setup' && line.startsWith('npm init')) expect(existsSync(join(ws, SERVER, 'package.json'))).toBe(true);
    }
    expect(existsSync(join(ws, SERVER, 'project.json'))).toBe(false);
    const gen = [...readme].find(([l]) => l.startsWith('nx g @apko/nx:package'))![1];
    expect(gen).not.toContain('has no build target');
    const image = readme.get('nx run api:image')!;
    // Nx 22 prints every task of the run, Nx 24 only the one asked for: the ones printed all ran, in order.
    const order = ['api-server:build', 'api-server:package', 'api:image'];
    const printed = [...nxTasks(image)];
    expect(printed).toEqual(order.filter((t) => nxTasks(image).has(t)).map((t) => [t, 'ran']));
    expect(printed.at(-1)).toEqual(['api:image', 'ran']);
    if (major === 22) expect(printed.map(([t]) => t)).toEqual(order);
    expect(existsSync(join(ws, SERVER, 'dist/api-server'))).toBe(true);
    expect(existsSync(join(ws, SERVER_REPO, 'x86_64/APKINDEX.tar.gz'))).toBe(true);
    // The version comes from api-server's package.json (npm init wrote 1.0.0).
    expect(existsSync(join(ws, SERVER_REPO, 'x86_64/api-server-1.0.0-r0.apk'))).toBe(true);
    const index = JSON.parse(readFileSync(join(ws, 'dist/images/api/oci/index.json'), 'utf8'));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('api:latest');
    expect(existsSync(join(ws, 'dist/images/api/sbom-index.spdx.json'))).toBe(true);
    // Nx 24 names no cached task in its default output for affected; Nx 22 does.
    if (major === 22) expect(nxTasks(readme.get('nx affected -t image')!).get('api:image')).toBe('local cache');
    const publish = [...readme].find(([l]) => l.startsWith('nx run api:publish'));
    if (registry) {
      expect(publish).toBeDefined();
      const local = index.manifests[0].digest;
      expect(publish![1]).toContain(`${registry.host}/api@${local}`);
      const pushed = JSON.parse(sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/api:1.0`]));
      expect(pushed.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(['amd64']);
    }
    writeFiles(ws, { 'worker/bin/worker': '#!/bin/sh\necho worker\n' });
    await nxOk('g', '@apko/nx:package', 'worker', '--buildOutput=bin', '--bin=worker');
    await nxOk('g', '@apko/nx:image', 'worker');
    commitAll(ws, 'quickstart');
  }, 600_000);

  it('infers projects from the scaffolded apko.yaml and melange.yaml files', async () => {
    expect(JSON.parse(await nxOk('show', 'projects', '--json')).filter((p: string) => ['api', 'api-server', 'worker'].includes(p)).sort()).toEqual(['api', 'api-server', 'worker']);
    const api = JSON.parse(await nxOk('show', 'project', 'api', '--json'));
    expect(Object.keys(api.targets).sort()).toEqual(['image', 'lock', 'publish']);
    expect(api.targets.image).toMatchObject({ executor: '@apko/nx:image', cache: true, dependsOn: ['^package'], outputs: ['{workspaceRoot}/dist/images/api'] });
    expect(api.targets.publish).toMatchObject({ cache: false, dependsOn: ['image'] });
    const server = JSON.parse(await nxOk('show', 'project', 'api-server', '--json'));
    expect(server.targets.package).toMatchObject({ executor: '@apko/nx:package', dependsOn: ['build'], outputs: [`{workspaceRoot}/${SERVER_REPO}`] });
  });

  it('passes the layout validator', async () => {
    expect((await validateLayout(join(ws, 'dist/images/api/oci'))).manifests).toBe(1);
  });

  it('is a local cache hit when run again', async () => {
    const out = await nxOk('run', 'api:image', '--output-style=static');
    expect([...nxTasks(out).values()]).toEqual(['local cache', 'local cache', 'local cache']);
  });

  it('restores deleted outputs from the cache, byte for byte', async () => {
    const before = digestTree(join(ws, 'dist'));
    rmSync(join(ws, 'dist'), { recursive: true });
    rmSync(join(ws, SERVER, 'dist'), { recursive: true });
    const out = await nxOk('run', 'api:image', '--output-style=static');
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
      rmSync(join(ws, SERVER, 'dist'), { recursive: true });
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
  }, 300_000);

  it('draws the edge api → api-server in nx graph, and none from worker', async () => {
    await nxOk('graph', '--file=graph.json');
    const graph = JSON.parse(readFileSync(join(ws, 'graph.json'), 'utf8')).graph;
    rmSync(join(ws, 'graph.json'));
    expect(graph.dependencies.api).toEqual([{ source: 'api', target: 'api-server', type: 'implicit' }]);
    expect(graph.dependencies.worker).toEqual([]);
  });

  it.runIf(major >= 24)('hashes the engine package and the package task\'s .apk into the image task', async () => {
    const inputs = JSON.parse(await nxOk('show', 'target', 'inputs', 'api:image', '--json'));
    expect(inputs.external).toContain('npm:@apko/nx');
    expect(inputs.depOutputs).toEqual([`${SERVER_REPO}/x86_64/api-server-1.0.0-r0.apk`]);
    expect(inputs.files).toEqual(expect.arrayContaining(['api/apko.yaml', 'melange.rsa.pub']));
  });

  it('rebuilds api, and not worker, in nx affected after api-server\'s sources change', async () => {
    await nxOk('run-many', '-t', 'image', '--output-style=static');
    writeFileSync(join(ws, SERVER, 'main.c'), helloC('hello again from api-server'));
    commitAll(ws, 'change api-server');
    const out = await nxOk('affected', '-t', 'image', '--base=HEAD~1', '--head=HEAD', '--output-style=static');
    const tasks = nxTasks(out);
    expect(tasks.get('api:image')).toBe('ran');
    expect(tasks.get('api-server:package')).toBe('ran');
    expect([...tasks.keys()].filter((t) => t.startsWith('worker:'))).toEqual([]);
  });

  it('rebuilds only worker\'s image after a change to worker/apko.yaml alone', async () => {
    const path = join(ws, 'worker/apko.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('run-as: app', 'run-as: app\nenvironment:\n  MODE: worker'));
    commitAll(ws, 'change worker image');
    const out = await nxOk('affected', '-t', 'image', '--base=HEAD~1', '--head=HEAD', '--output-style=static');
    const tasks = nxTasks(out);
    expect(tasks.get('worker:image')).toBe('ran');
    // The package beside the config did not change: its task is a cache hit (or not selected at all).
    expect(tasks.get('worker:package') ?? 'local cache').toBe('local cache');
    expect([...tasks.keys()].filter((t) => t.startsWith('api'))).toEqual([]);
  });

  it.runIf(canRun)('builds an image that runs under runc and prints the app\'s output', async () => {
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

  it('fails a broken image config with the engine\'s message and no stack', async () => {
    writeFileSync(join(ws, 'worker/apko.yaml'), 'contents:\n  packages: [worker]\n  repositories: [../nowhere]\n  keyring: [../melange.rsa.pub]\n');
    const r = await nxRun('run', 'worker:image', '--output-style=static', '--skip-nx-cache');
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
    expect(JSON.parse(await nxOk('show', 'project', 'pinned', '--json')).targets.image.options).not.toHaveProperty('lockfile');

    await nxOk('run', 'pinned:lock', '--output-style=static');
    const lock = JSON.parse(readFileSync(join(ws, 'pinned/apko.lock.json'), 'utf8'));
    expect(lock.contents.packages.map((p: { name: string; version: string }) => `${p.name}-${p.version}`)).toEqual(['pinned-tool-1.0.0-r0']);
    expect(JSON.parse(await nxOk('show', 'project', 'pinned', '--json')).targets.image.options.lockfile).toBe('pinned/apko.lock.json');

    await repo(['1.0.0-r0', '1.1.0-r0']);
    await nxOk('run', 'pinned:image', '--output-style=static');
    expect(installed()).toEqual(['1.0.0-r0']);

    writeFileSync(join(ws, 'pinned/apko.yaml'), `${config}environment:\n  MODE: changed\n`);
    const stale = await nxRun('run', 'pinned:image', '--output-style=static');
    expect(stale.code).not.toBe(0);
    expect(stale.output).toMatch(/the lock file \S+apko\.lock\.json was made for another version of \S+apko\.yaml/);
    expect(stale.output).toContain('hint: re-run nx run pinned:lock');

    // Without the lock file the same config installs the newest version: the lock is what pinned it.
    rmSync(join(ws, 'pinned/apko.lock.json'));
    await nxOk('run', 'pinned:image', '--output-style=static');
    expect(installed()).toEqual(['1.1.0-r0']);
  }, 300_000);
});
