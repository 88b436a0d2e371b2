import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLocalRepository } from '../engine/format';
import { generateKeyPair } from '../engine/workspace';
import { sh } from './support/cli';
import { hasTool } from './support/env';
import { commitAll, makeWorkspace, packPlugin, runAsync, type Run } from './support/nx-workspace';
import { startRegistry, type RunningRegistry } from './support/registry';

/**
 * `nx release` on an image project in a real Nx 22 workspace (nx, @nx/js for
 * its package.json version actions, and the packed plugin): the image target
 * also writes a docker tarball skopeo reads; `nx release <version> --yes
 * --dry-run` pushes nothing; `nx release <version> --yes` pushes to the
 * Debian docker-registry on loopback with the version as the tag, and the
 * pushed index is the one the image target built, digest for digest.
 */
const ready = ['git', 'docker-registry', 'skopeo'].every((t) => hasTool(t));

describe.skipIf(!ready)('nx release on an image project', () => {
  let ws: string;
  let registry: RunningRegistry;
  let repository: string;
  const nx = async (...args: string[]): Promise<Run> => runAsync(ws, join(ws, 'node_modules', '.bin', 'nx'), args);
  const nxOk = async (...args: string[]): Promise<string> => {
    const r = await nx(...args);
    if (r.code !== 0) throw new Error(`nx ${args.join(' ')} failed (${r.code}):\n${r.output}`);
    return r.output;
  };
  const built = () => JSON.parse(readFileSync(join(ws, 'dist/images/api/oci/index.json'), 'utf8')).manifests[0].digest as string;

  beforeAll(async () => {
    registry = await startRegistry();
    repository = `${registry.host}/e2e/api`;
    const key = generateKeyPair('release', 2048);
    ws = await makeWorkspace(
      'apko-nx-e2e-release-',
      {
        'package.json': JSON.stringify({ name: 'release-workspace', private: true }, null, 2),
        'nx.json': JSON.stringify(
          {
            plugins: ['@apko/nx'],
            release: { projects: ['api'], changelog: { workspaceChangelog: false, projectChangelogs: false }, git: { commit: false, tag: false } },
          },
          null,
          2,
        ),
        '.gitignore': 'node_modules\n/dist\n/.nx\n',
        'release.rsa.pub': key.publicKeyPem,
        // private: nx release versions it, and no npm publish target is inferred for it.
        'api/package.json': JSON.stringify({ name: 'api', private: true, version: '0.1.0' }, null, 2),
        'api/project.json': JSON.stringify({ name: 'api', targets: { image: { options: { dockerTarball: true } }, 'nx-release-publish': { options: { repositories: [repository] } } } }, null, 2),
        'api/apko.yaml': 'contents:\n  repositories: [../repo]\n  keyring: [../release.rsa.pub]\n  packages: [greeter]\nentrypoint:\n  command: /usr/bin/greeter\narchs: [x86_64]\n',
      },
      ['nx@22.7.12', '@nx/js@22.7.12', `@apko/nx@file:${packPlugin()}`],
    );
    await writeLocalRepository(join(ws, 'repo'), {
      key,
      archs: ['x86_64'],
      packages: [{ name: 'greeter', version: '1.0.0-r0', builddate: 1700000000, files: [{ path: 'usr/bin/greeter', type: 'file', mode: 0o755, data: '#!/bin/sh\necho hello\n' }] }],
    });
    commitAll(ws, 'an image project');
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    if (ws && process.env.APKO_E2E_KEEP !== '1') rmSync(ws, { recursive: true, force: true });
  });

  it('infers nx-release-publish for the image project, and its image target also writes a docker tarball skopeo reads', async () => {
    const project = JSON.parse(await nxOk('show', 'project', 'api', '--json'));
    expect(project.targets['nx-release-publish']).toMatchObject({ executor: '@apko/nx:release-publish', dependsOn: ['image'], options: { config: 'api/apko.yaml', repositories: [repository] } });
    await nxOk('run', 'api:image', '--output-style=static');
    const tarball = join(ws, 'dist/images/api/image.tar');
    const config = JSON.parse(sh('skopeo', ['inspect', '--config', `docker-archive:${tarball}`]));
    const layout = JSON.parse(sh('skopeo', ['inspect', '--config', `oci:${join(ws, 'dist/images/api/oci')}:api:latest`]));
    expect(config.rootfs.diff_ids).toEqual(layout.rootfs.diff_ids);
    expect(config.config.Entrypoint).toEqual(['/usr/bin/greeter']);
  });

  it('with --dry-run prints what it would push and pushes nothing', async () => {
    const out = await nxOk('release', '1.2.3', '--yes', '--dry-run', '--verbose');
    expect(out).toContain(`would push ${built()} to ${repository}:1.2.3 (dry run: nothing pushed)`);
    expect((await fetch(`http://${registry.host}/v2/e2e/api/tags/list`)).status).toBe(404);
    expect(JSON.parse(readFileSync(join(ws, 'api/package.json'), 'utf8')).version).toBe('0.1.0');
  });

  it('pushes the image with the chosen version as its tag: skopeo reads back the digest the image target built', async () => {
    const out = await nxOk('release', '1.2.3', '--yes');
    expect(JSON.parse(readFileSync(join(ws, 'api/package.json'), 'utf8')).version).toBe('1.2.3');
    expect(out).toContain(`tagged ${repository}:1.2.3`);
    const raw = sh('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${repository}:1.2.3`]);
    expect(`sha256:${createHash('sha256').update(raw).digest('hex')}`).toBe(built());
    const tags = (await (await fetch(`http://${registry.host}/v2/e2e/api/tags/list`)).json()) as { tags: string[] };
    // Besides the version, only the referrers-tag fallback of the SBOMs (this registry has no referrers API).
    expect(tags.tags.filter((t) => !/^sha256-[0-9a-f]{64}$/.test(t))).toEqual(['1.2.3']);
  });
});
