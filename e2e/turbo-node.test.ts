import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, isRoot } from './support/env';
import { writeNodeRuntimeRepository } from './support/node-runtime';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { commitAll, packPlugin, runAsync, runOk, writeFiles } from './support/nx-workspace';
import { serveImage } from './support/serve-image';
import { testKey } from './support/workspace';

/**
 * A Node.js service in a Turborepo (npm workspaces, turbo from npm), packaged
 * and imaged by package.json scripts calling apko-nx, with the melange.yaml
 * and apko.yaml docs/turborepo.md shows: the build writes the server, a
 * package.json of its production dependencies and their lockfile; the
 * package installs them with npm ci --omit=dev; the image adds the Node.js
 * runtime from a local repository (as a private mirror would). The second
 * `turbo run image` replays everything, and the image serves HTTP under runc.
 */
const ready = ['git', 'bwrap', 'skopeo', 'umoci', 'runc'].every((t) => hasTool(t)) && isRoot();

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

const TURBO_JSON = {
  $schema: 'https://turborepo.dev/schema.json',
  tasks: {
    build: { inputs: ['src/**', 'package.json'], outputs: ['dist/**'] },
    package: {
      dependsOn: ['build'],
      inputs: ['$TURBO_DEFAULT$', '!packages/**', '!image/**', '!apko.yaml', '$TURBO_ROOT$/melange.rsa.pub'],
      outputs: ['packages/**'],
      env: ['SOURCE_DATE_EPOCH'],
    },
    image: {
      dependsOn: ['package', '^package'],
      inputs: ['apko.yaml', 'apko.lock.json', '$TURBO_ROOT$/melange.rsa.pub', '$TURBO_ROOT$/node-runtime/**', '$TURBO_ROOT$/*.rsa.pub'],
      outputs: ['image/**'],
      env: ['SOURCE_DATE_EPOCH'],
    },
  },
};

/** Writes dist/package.json with the app's production dependencies only, for the lockfile and the package's npm ci. */
const PRUNE = `const fs = require('node:fs');
const p = JSON.parse(fs.readFileSync('package.json', 'utf8'));
fs.writeFileSync('dist/package.json', JSON.stringify({ name: p.name, version: p.version, private: true, dependencies: p.dependencies }, null, 2) + '\\n');
`;

const SERVER = `const { createServer } = require('node:http');
const ms = require('ms');
const port = Number(process.env.PORT ?? 3000);
createServer((_req, res) => res.end(\`retry in \${ms(90_000, { long: true })} (uid \${process.getuid()}, \${process.env.NODE_ENV})\\n\`)).listen(port, '127.0.0.1');
`;

const MELANGE = `package:
  name: api
  version: 0.1.0
  epoch: 0
  description: the api service
  copyright:
    - license: MIT
pipeline:
  - name: install the build output
    runs: |
      mkdir -p "\${{targets.destdir}}/usr/lib/api"
      cp -R ./dist/. "\${{targets.destdir}}/usr/lib/api/"
  - name: install the production dependencies
    runs: |
      cd "\${{targets.destdir}}/usr/lib/api"
      npm ci --omit=dev --ignore-scripts --no-audit --no-fund --no-update-notifier
`;

const APKO = (runtimeKey: string) => `contents:
  repositories: [./packages, ../../node-runtime]
  keyring: [../../melange.rsa.pub, ../../${runtimeKey}]
  packages: [api, nodejs]
accounts:
  groups: [{ groupname: app, gid: 65532 }]
  users: [{ username: app, uid: 65532, gid: 65532 }]
  run-as: app
entrypoint:
  command: node /usr/lib/api/server.js
work-dir: /usr/lib/api
environment:
  NODE_ENV: production
archs: [x86_64]
`;

describe.skipIf(!ready)('a Node.js service in a Turborepo', () => {
  let ws: string;
  const turbo = async (...args: string[]) => {
    const r = await runAsync(ws, join(ws, 'node_modules', '.bin', 'turbo'), ['run', ...args, '--output-logs=full']);
    if (r.code !== 0) throw new Error(`turbo run ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    return r.output;
  };

  beforeAll(async () => {
    const npmVersion = runOk(process.cwd(), 'npm', ['--version']).trim();
    const key = testKey();
    ws = mkdtempSync(join(tmpdir(), 'apko-nx-e2e-turbo-node-'));
    writeFiles(ws, {
      'package.json': json({ name: 'svc', private: true, packageManager: `npm@${npmVersion}`, workspaces: ['apps/*'] }),
      'turbo.json': json(TURBO_JSON),
      '.gitignore': 'node_modules\n.turbo\ndist\npackages\nimage\n*.rsa\n',
      'apps/api/package.json': json({
        name: 'api',
        version: '0.1.0',
        private: true,
        dependencies: { ms: '2.1.3' },
        scripts: {
          build: 'rm -rf dist && mkdir -p dist && cp src/server.js dist/ && node prune.js && cd dist && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error',
          package: 'rm -rf packages && apko-nx melange build melange.yaml --arch x86_64 --signing-key ../../melange.rsa --out-dir packages',
          // The SBOMs go beside the layout, so both stay inside image/, out of the package's inputs.
          image: 'rm -rf image && mkdir -p image/oci && apko-nx build apko.yaml api:latest image/oci',
        },
      }),
      'apps/api/prune.js': PRUNE,
      'apps/api/src/server.js': SERVER,
      'apps/api/melange.yaml': MELANGE,
      'apps/api/apko.yaml': APKO(key.publicKeyName),
      [key.publicKeyName]: key.publicKeyPem,
    });
    // Installs run as children the worker awaits: a blocked worker fails vitest's own task updates.
    for (const [cmd, ...args] of [
      ['git', 'init', '-q', '-b', 'main'],
      ['npm', 'install', '--save-dev', '--no-audit', '--no-fund', '--loglevel=error', 'turbo@2.11.11', packPlugin()],
      [join(ws, 'node_modules', '.bin', 'apko-nx'), 'melange', 'keygen', 'melange', '--key-size', '2048'],
    ]) {
      const r = await runAsync(ws, cmd!, args);
      if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    }
    await writeNodeRuntimeRepository(join(ws, 'node-runtime'), key);
    commitAll(ws, 'turbo node workspace');
  }, 600_000);

  afterAll(() => {
    if (ws && process.env.APKO_E2E_KEEP !== '1') rmSync(ws, { recursive: true, force: true });
  });

  it('builds, packages and images the service, then replays it all from the cache', async () => {
    const first = await turbo('image');
    expect(first).toContain('api:package: cache miss, executing');
    expect(first).toContain('api:image: cache miss, executing');
    const second = await turbo('image');
    expect(second).toContain('api:image: cache hit, replaying logs');
    expect(second).toContain('>>> FULL TURBO');
  }, 600_000);

  it('serves HTTP on loopback under runc as a non-root user, using its npm dependency', async () => {
    const served = await serveImage(join(ws, 'apps/api/image/oci'), 'turbo-node');
    expect(served.args).toEqual(['node', '/usr/lib/api/server.js']);
    expect(served.user).toMatchObject({ uid: 65532, gid: 65532 });
    expect(served.body).toBe('retry in 2 minutes (uid 65532, production)\n');
  }, 120_000);
});
