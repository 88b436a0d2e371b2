import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import initGenerator from '../init/generator';
import imageGenerator from './generator';

let tree: Tree;

beforeEach(async () => {
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  tree = createTreeWithEmptyWorkspace();
  await initGenerator(tree, { keySize: 2048, skipFormat: true });
  tree.write('apps/api-server/melange.yaml', 'package:\n  name: api-server\n  dependencies:\n    runtime: [libgreet]\n');
  tree.write('libs/greet/melange.yaml', 'package:\n  name: greet\n  dependencies:\n    provides: [libgreet]\n');
});

const config = (path: string) => parse(tree.read(path, 'utf8')!);

describe('image generator', () => {
  it('writes an apko.yaml with the local repositories of the packages and their runtime dependencies, the workspace key, a non-root user and an entrypoint', async () => {
    await imageGenerator(tree, { project: 'api', directory: 'images/api', packages: 'api-server', skipFormat: true });
    expect(config('images/api/apko.yaml')).toEqual({
      contents: {
        repositories: ['../../dist/packages/apps/api-server', '../../dist/packages/libs/greet'],
        keyring: ['../../melange.rsa.pub'],
        packages: ['api-server'],
      },
      accounts: {
        groups: [{ groupname: 'app', gid: 65532 }],
        users: [{ username: 'app', uid: 65532, gid: 65532 }],
        'run-as': 'app',
      },
      entrypoint: { command: '/usr/bin/api-server' },
      archs: ['x86_64'],
    });
    const text = tree.read('images/api/apko.yaml', 'utf8')!;
    expect(text).toContain('# Wolfi (glibc): - https://packages.wolfi.dev/os');
    expect(text).toContain('# Alpine (musl): - https://dl-cdn.alpinelinux.org/alpine/v3.22/main');
  });

  it('installs the project\'s own package first when it has a melange.yaml', async () => {
    addProjectConfiguration(tree, 'api-server', { root: 'apps/api-server' });
    await imageGenerator(tree, { project: 'api-server', packages: ['busybox'], entrypoint: '/usr/bin/api-server --port 8080', user: 'svc', uid: 1000, skipFormat: true });
    const c = config('apps/api-server/apko.yaml');
    expect(c.contents.packages).toEqual(['api-server', 'busybox']);
    expect(c.contents.repositories).toEqual(['../../dist/packages/apps/api-server', '../../dist/packages/libs/greet']);
    expect(c.entrypoint.command).toBe('/usr/bin/api-server --port 8080');
    expect(c.accounts.users).toEqual([{ username: 'svc', uid: 1000, gid: 1000 }]);
  });

  it('adds the Wolfi repository, key and base layout for --base=wolfi', async () => {
    await imageGenerator(tree, { project: 'tools', base: 'wolfi', packages: ['busybox'], entrypoint: '/bin/sh', archs: 'x86_64,aarch64', skipFormat: true });
    expect(config('tools/apko.yaml').contents).toEqual({
      repositories: ['https://packages.wolfi.dev/os'],
      keyring: ['https://packages.wolfi.dev/os/wolfi-signing.rsa.pub'],
      packages: ['wolfi-baselayout', 'busybox'],
    });
    expect(config('tools/apko.yaml').archs).toEqual(['x86_64', 'aarch64']);
    expect(tree.read('tools/apko.yaml', 'utf8')).not.toContain('# Wolfi');
  });

  it('writes a second image as <stem>.apko.yaml', async () => {
    await imageGenerator(tree, { project: 'api', packages: ['api-server'], configName: 'debug.apko.yaml', skipFormat: true });
    expect(tree.exists('api/debug.apko.yaml')).toBe(true);
    await expect(imageGenerator(tree, { project: 'api', packages: ['api-server'], configName: 'debug.yaml' })).rejects.toThrow(
      '--configName debug.yaml must be apko.yaml or end in .apko.yaml, which the plugin infers targets from',
    );
  });

  it('leaves an equivalent existing config alone and refuses a different one unless --overwrite', async () => {
    await imageGenerator(tree, { project: 'api', packages: ['api-server'], skipFormat: true });
    tree.write('api/apko.yaml', `# edited by hand\n${tree.read('api/apko.yaml', 'utf8')}`);
    const edited = tree.read('api/apko.yaml', 'utf8');
    await imageGenerator(tree, { project: 'api', packages: ['api-server'], skipFormat: true });
    expect(tree.read('api/apko.yaml', 'utf8')).toBe(edited);

    await expect(imageGenerator(tree, { project: 'api', packages: ['greet'], skipFormat: true })).rejects.toThrow(
      'api/apko.yaml already exists and differs from what this generator would write; pass --overwrite to replace it',
    );
    expect(tree.read('api/apko.yaml', 'utf8')).toBe(edited);
    await imageGenerator(tree, { project: 'api', packages: ['greet'], overwrite: true, skipFormat: true });
    expect(config('api/apko.yaml').contents.packages).toEqual(['greet']);
  });

  it('refuses an image that would install nothing, naming the options that fix it', async () => {
    await expect(imageGenerator(tree, { project: 'empty', skipFormat: true })).rejects.toThrow(
      'the empty image would install nothing: pass --packages, --base=wolfi or --base=alpine, or add a melange.yaml first (nx g @apko/nx:package empty)',
    );
  });

  it('sets up the workspace first when init has not run', async () => {
    const fresh = createTreeWithEmptyWorkspace();
    fresh.write('svc/melange.yaml', 'package:\n  name: svc\n');
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    // init would make a 4096-bit key here; an existing private key (it only derives the public half) keeps the test fast.
    fresh.write('melange.rsa', tree.read('melange.rsa', 'utf8')!);
    await imageGenerator(fresh, { project: 'svc', skipFormat: true });
    expect(fresh.read('nx.json', 'utf8')).toContain('"@apko/nx"');
    expect(fresh.exists('melange.rsa.pub')).toBe(true);
    expect(parse(fresh.read('svc/apko.yaml', 'utf8')!).contents.packages).toEqual(['svc']);
  });
});
