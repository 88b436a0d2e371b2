import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateLayout } from '../engine/oci';
import { digestTree, helloC, makeWorkspace, packPlugin, runAsyncOk, runOk } from './support/nx-workspace';
import { hasTool } from './support/env';

/**
 * apko-nx as Turborepo tasks: the api image and the api-server package of
 * the Nx test, as npm workspaces whose package.json scripts call the CLI,
 * with the turbo.json README.md documents. Outputs are deterministic, so the
 * second run replays everything from turbo's cache.
 */
const ready = hasTool('git') && hasTool('gcc');

const TURBO_JSON = {
  $schema: 'https://turborepo.dev/schema.json',
  tasks: {
    build: { inputs: ['src/**'], outputs: ['dist/**'] },
    package: {
      dependsOn: ['build'],
      inputs: ['$TURBO_DEFAULT$', '!packages/**', '$TURBO_ROOT$/melange.rsa.pub'],
      outputs: ['packages/**'],
      env: ['SOURCE_DATE_EPOCH'],
    },
    image: {
      dependsOn: ['^package'],
      inputs: ['apko.yaml', 'apko.lock.json', '$TURBO_ROOT$/melange.rsa.pub'],
      outputs: ['dist/**'],
      env: ['SOURCE_DATE_EPOCH'],
    },
    publish: { dependsOn: ['image'], cache: false, passThroughEnv: ['DOCKER_CONFIG', 'REGISTRY_*'] },
  },
};

const MELANGE = `package:
  name: api-server
  version: 0.1.0
  epoch: 0
  description: the api server
  copyright:
    - license: MIT
pipeline:
  - runs: |
      mkdir -p "\${{targets.destdir}}/usr/lib/api-server" "\${{targets.destdir}}/usr/bin"
      cp -R ./dist/. "\${{targets.destdir}}/usr/lib/api-server/"
      ln -s /usr/lib/api-server/api-server "\${{targets.destdir}}/usr/bin/api-server"
`;

const APKO = `contents:
  repositories: [../api-server/packages]
  keyring: [../melange.rsa.pub]
  packages: [api-server]
accounts:
  groups: [{ groupname: app, gid: 65532 }]
  users: [{ username: app, uid: 65532, gid: 65532 }]
  run-as: app
entrypoint:
  command: /usr/bin/api-server
archs: [x86_64]
`;

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

describe.skipIf(!ready)('apko-nx in a Turborepo', () => {
  let ws: string;
  const turbo = (...args: string[]) => runAsyncOk(ws, join(ws, 'node_modules', '.bin', 'turbo'), ['run', ...args, '--output-logs=full']);
  const dry = (task: string) =>
    Object.fromEntries(
      (JSON.parse(runOk(ws, join(ws, 'node_modules', '.bin', 'turbo'), ['run', task, '--dry=json'])).tasks as Array<{ taskId: string; command: string; cache: { status: string } }>)
        // A package without the script (api-server has no image) is listed but never runs.
        .filter((t) => t.command !== '<NONEXISTENT>')
        .map((t) => [t.taskId, t.cache.status]),
    );

  beforeAll(async () => {
    const npmVersion = runOk(process.cwd(), 'npm', ['--version']).trim();
    ws = await makeWorkspace(
      'apko-nx-e2e-turbo-',
      {
        'package.json': json({ name: 'e2e-turbo', private: true, packageManager: `npm@${npmVersion}`, workspaces: ['api', 'api-server'] }),
        'turbo.json': json(TURBO_JSON),
        '.gitignore': 'node_modules\n.turbo\ndist\npackages\n*.rsa\n',
        'api-server/package.json': json({
          name: 'api-server',
          version: '0.1.0',
          private: true,
          scripts: {
            build: 'mkdir -p dist && gcc -static -O2 -o dist/api-server src/main.c',
            package: 'rm -rf packages && apko-nx melange build melange.yaml --arch x86_64 --signing-key ../melange.rsa --out-dir packages',
          },
        }),
        'api-server/src/main.c': helloC('hello from api-server'),
        'api-server/melange.yaml': MELANGE,
        'api/package.json': json({
          name: 'api',
          version: '0.1.0',
          private: true,
          dependencies: { 'api-server': '*' },
          scripts: { image: 'mkdir -p dist/oci && apko-nx build apko.yaml api:latest dist/oci' },
        }),
        'api/apko.yaml': APKO,
      },
      ['turbo@2.11.11', packPlugin()],
    );
    runOk(ws, join(ws, 'node_modules', '.bin', 'apko-nx'), ['melange', 'keygen', 'melange', '--key-size', '2048']);
    runOk(ws, 'git', ['add', '-A']);
    runOk(ws, 'git', ['commit', '-q', '-m', 'turbo workspace']);
  }, 300_000);

  // A workspace holds ~100 MB of node_modules; APKO_E2E_KEEP=1 keeps it for a look after a failure.
  afterAll(() => {
    if (ws && process.env.APKO_E2E_KEEP !== '1') rmSync(ws, { recursive: true, force: true });
  });

  it('builds the package, then the image, on the first run', async () => {
    const out = await turbo('image');
    expect(out).toContain('api-server:package: cache miss, executing');
    expect(out).toContain('api:image: cache miss, executing');
    expect(out.indexOf('api-server:package: cache miss')).toBeLessThan(out.indexOf('api:image: cache miss'));
    expect((await validateLayout(join(ws, 'api/dist/oci'))).manifests).toBe(1);
  });

  it('is a full cache hit the second time, and restores deleted outputs byte for byte', async () => {
    const before = digestTree(join(ws, 'api/dist'));
    expect(await turbo('image')).toContain('>>> FULL TURBO');
    rmSync(join(ws, 'api/dist'), { recursive: true });
    rmSync(join(ws, 'api-server/packages'), { recursive: true });
    const out = await turbo('image');
    expect(out).toContain('api:image: cache hit, replaying logs');
    expect(out).toContain('>>> FULL TURBO');
    expect(digestTree(join(ws, 'api/dist'))).toEqual(before);
  });

  it('rebuilds the image when the package changes, and not when only an unrelated file does', async () => {
    writeFileSync(join(ws, 'README.md'), 'unrelated\n');
    expect(dry('image')).toEqual({ 'api-server#build': 'HIT', 'api-server#package': 'HIT', 'api#image': 'HIT' });
    writeFileSync(join(ws, 'api-server/src/main.c'), helloC('hello again from api-server'));
    expect(dry('image')).toEqual({ 'api-server#build': 'MISS', 'api-server#package': 'MISS', 'api#image': 'MISS' });
    const out = await turbo('image');
    expect(out).toContain('api:image: cache miss, executing');
    const index = JSON.parse(readFileSync(join(ws, 'api/dist/oci/index.json'), 'utf8'));
    expect(index.manifests[0].annotations['org.opencontainers.image.ref.name']).toBe('api:latest');
  });
});
