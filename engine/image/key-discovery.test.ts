/**
 * Discovered keys through the verbs: a repository served on 127.0.0.1 whose
 * index is signed by a key the config does not list, found through the
 * repository's apk-configuration. The lock file embeds it, the image carries
 * it under /etc/apk/keys (as apko writes discovered keys), and a build from
 * the lock needs no discovery.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLayoutView } from '../../e2e/conformance/layout-view';
import { BASELAYOUT, makeWorkspace, type TestWorkspace } from '../../e2e/support/workspace';
import { jwkOf } from '../repo/testdata/discovery-site';
import { startServer, type TestServer } from '../repo/testdata/server';
import { buildImageFromConfig } from './build';
import { lockImage } from './lock';
import { normalizeBuildRequest, normalizeLockRequest } from './request';

let ws: TestWorkspace;
let server: TestServer;
let lines: string[];

beforeAll(async () => {
  ws = await makeWorkspace([BASELAYOUT], ['x86_64']);
  server = await startServer(ws.dir);
  writeFileSync(join(ws.dir, 'packages', 'apk-configuration'), JSON.stringify({ jwks_uri: `${server.origin}/jwks.json` }));
  writeFileSync(join(ws.dir, 'jwks.json'), JSON.stringify({ keys: [jwkOf(ws.key, ws.key.name)] }));
  ws.write('apko.yaml', ['contents:', '  repositories:', `    - ${server.origin}/packages`, '  packages:', '    - test-baselayout', 'archs: [x86_64]', ''].join('\n'));
});

afterAll(async () => {
  await server.close();
  rmSync(ws.dir, { recursive: true, force: true });
});

const common = () => {
  lines = [];
  return { config: join(ws.dir, 'apko.yaml'), cwd: ws.dir, cacheDir: join(ws.dir, 'cache'), env: {}, log: (l: string) => lines.push(l) };
};

describe('keys discovered for a repository', () => {
  it('are embedded in the lock file with their contents', async () => {
    const { lock } = await lockImage(normalizeLockRequest({ ...common(), output: join(ws.dir, 'apko.lock.json') }));
    const url = `${server.origin}/packages/${ws.key.publicKeyName}`;
    expect(lock.contents.keyring).toEqual([{ name: url.replace('http://', ''), url, content: ws.key.publicKeyPem }]);
    expect(lines).toContain(`note: ${server.origin}/packages (x86_64) is signed by a key not in the keyring; trusting discovered key ${ws.key.publicKeyName} (from its apk-configuration)`);
  });

  it('are written to /etc/apk/keys, and a build from the lock makes the same image with no discovery', async () => {
    const image = (out: string) => readLayoutView(out).images[0]!.layers.flatMap((l) => l.entries);
    const resolved = join(ws.dir, 'out-resolved');
    mkdirSync(resolved);
    const first = await buildImageFromConfig(normalizeBuildRequest({ ...common(), tag: 'keys:1', output: resolved, sbom: false }));
    const key = image(resolved).find((e) => e.name === `etc/apk/keys/${ws.key.publicKeyName}`);
    expect(key?.data?.toString()).toBe(ws.key.publicKeyPem);

    rmSync(join(ws.dir, 'packages', 'apk-configuration'));
    server.seen.length = 0;
    const locked = join(ws.dir, 'out-locked');
    mkdirSync(locked);
    const r = await buildImageFromConfig(normalizeBuildRequest({ ...common(), tag: 'keys:1', output: locked, sbom: false, lockfile: join(ws.dir, 'apko.lock.json') }));
    expect(server.hits('/packages/apk-configuration')).toEqual([]);
    expect(image(locked).find((e) => e.name === `etc/apk/keys/${ws.key.publicKeyName}`)?.data?.toString()).toBe(ws.key.publicKeyPem);
    expect(r.indexDigest).toBe(first.indexDigest);
  });
});
