import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { startRegistry, type RunningRegistry } from '../../e2e/support/registry';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from '../../e2e/support/workspace';
import { sha256Digest } from '../digest';
import { ConfigError, RegistryError } from '../errors';
import { defaultCredentials, type CredentialSource } from '../registry';
import { normalizePublishRequest, publishImage } from './publish';

describe('normalizePublishRequest', () => {
  it('canonicalizes and deduplicates the references, names the build after the first, and resolves paths', () => {
    const o = normalizePublishRequest(
      { config: 'apko.yaml', tags: ['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest', 'alpine:1'], imageRefs: 'out/refs.txt', env: {} },
      '/work',
    );
    expect(o.tags).toEqual(['127.0.0.1:5000/app:latest', 'index.docker.io/library/alpine:1']);
    expect(o.tag).toBe('127.0.0.1:5000/app:latest');
    expect(o.config).toBe('/work/apko.yaml');
    expect(o.imageRefs).toBe('/work/out/refs.txt');
    expect(o.insecure).toBe(false);
    expect(o.output).toBeUndefined();
    expect(o.sbom).toBe(true);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('keeps the build options (arch, repositories, offline) for the build', () => {
    const o = normalizePublishRequest({ config: '/c.yaml', tags: ['r.example.com/a'], arch: ['x86_64'], repositoryAppend: ['/repo'], offline: true, insecure: true, env: {} }, '/');
    expect(o.overrides.arch).toEqual(['x86_64']);
    expect(o.overrides.repositoryAppend).toEqual(['/repo']);
    expect(o.offline).toBe(true);
    expect(o.insecure).toBe(true);
  });

  it.each([
    [[], 'publish needs at least one image reference to push to'],
    [[`r.example.com/a@sha256:${'0'.repeat(64)}`], `"r.example.com/a@sha256:${'0'.repeat(64)}" names a digest; publish pushes to tags, and the build decides the digest`],
    [['r.example.com/A'], '"r.example.com/A" is not a valid image reference: the repository component "A" must be lowercase letters and digits, separated by ., _, __ or -'],
  ])('refuses tags %j', (tags, message) => {
    let err: unknown;
    try {
      normalizePublishRequest({ config: 'apko.yaml', tags, env: {} }, '/work');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(message);
    expect((err as ConfigError).hint).toBeTruthy();
  });
});

describe('normalizePublishRequest: credentials', () => {
  it('defaults to the README chain over the request env, and keeps the sources it is given', () => {
    const env = { DOCKER_CONFIG: '/nowhere' };
    const o = normalizePublishRequest({ config: 'apko.yaml', tags: ['r.example.com/a'], env }, '/work');
    expect(o.credentials.map((c) => c.name)).toEqual(defaultCredentials(env).map((c) => c.name));
    const mine: CredentialSource = { name: 'vault', lookup: async () => undefined };
    const given = normalizePublishRequest({ config: 'apko.yaml', tags: ['r.example.com/a'], env, credentials: [mine] }, '/work');
    expect(given.credentials).toEqual([mine]);
    expect(Object.isFrozen(given.credentials)).toBe(true);
    expect(given.targets).toEqual([{ registry: 'r.example.com', repository: 'a', tag: 'latest' }]);
  });
});

/**
 * The whole publish (build, then push) against a real registry that wants
 * htpasswd basic auth (docker-registry 2.8 on loopback), with the
 * credentials coming from a source the caller injects.
 */
describe.skipIf(!(hasTool('docker-registry') && hasTool('perl')))('publishImage with injected credentials', () => {
  const user = { user: 'robot', password: 'pa:ss w0rd' };
  let ws: TestWorkspace;
  let registry: RunningRegistry;
  const env = () => ({ DOCKER_CONFIG: join(ws.dir, 'no-docker-config') });

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT], ['x86_64']);
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout'], archs: ['x86_64'] }));
    registry = await startRegistry({ htpasswd: user });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  function request(tag: string, credentials?: readonly CredentialSource[]) {
    return normalizePublishRequest({
      config: join(ws.dir, 'apko.yaml'),
      tags: [`${registry.host}/injected/app:${tag}`],
      cacheDir: join(ws.dir, 'cache'),
      env: env(),
      ...(credentials ? { credentials } : {}),
    });
  }

  it('pushes with the credential a caller-supplied source gives, asked once per registry', async () => {
    const asked: string[] = [];
    const vault: CredentialSource = {
      name: 'test vault',
      lookup: async (r) => (asked.push(r), r === registry.host ? { username: user.user, password: user.password } : undefined),
    };
    // Put in front of the defaults: the defaults (empty env, no docker config) have nothing.
    const result = await publishImage(request('1', [vault, ...defaultCredentials(env())]));
    expect(asked).toEqual([registry.host]);
    expect(result.tagged).toEqual([`${registry.host}/injected/app:1`]);
    const res = await fetch(`http://${registry.host}/v2/injected/app/manifests/1`, {
      headers: { authorization: `Basic ${Buffer.from(`${user.user}:${user.password}`).toString('base64')}`, accept: 'application/vnd.oci.image.index.v1+json' },
    });
    expect(res.status).toBe(200);
    expect(sha256Digest(Buffer.from(await res.arrayBuffer()))).toBe(result.indexDigest);
  });

  it('fails with a RegistryError saying how to log in when no source has a credential', async () => {
    const err = (await publishImage(request('2')).catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.status).toBe(401);
    // The push step that met the refusal is named first.
    expect(err.message).toMatch(new RegExp(`^pushing blob sha256:[0-9a-f]{64} to ${registry.host}/injected/app failed: ${registry.host} needs credentials \\(HTTP 401, basic auth\\)$`));
    expect(err.hint).toContain('docker login');
  });
});
