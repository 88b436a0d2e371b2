import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { freePort, startRegistry, startTokenServer, type RunningRegistry, type TokenServer } from '../support/registry';
import { registryErrorBody, startRegistryFaultProxy, taggedDigest, type ProxiedRequest, type RegistryFault, type RegistryFaultProxy } from './support/network-registry';
import { hostile, Sandbox } from './support/sandbox';

/**
 * Registries that fail during `apko-nx publish`: errors that pass (retried
 * until the push completes), errors that last (refused, naming the registry
 * URL and the blob or manifest, quoting the registry's own error code), a
 * token that expires in the middle of a push (a new one is fetched), a
 * registry that stalls (ended by the deadline), a registry that stores other
 * bytes than it was sent. After every failed publish the tag still points at
 * the image it pointed at before: tags are pushed last.
 */
const haveRegistry = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' }).status === 0;

const UPLOAD = /\/blobs\/uploads\/.+/;

/** A hook that answers `fault` to the first `times` requests that `match` (every one without `times`), and lets the rest through. */
function first(match: (r: ProxiedRequest) => boolean, fault: RegistryFault, times = Infinity): (r: ProxiedRequest) => RegistryFault {
  let n = 0;
  return (r) => (match(r) && n++ < times ? fault : undefined);
}

describe.skipIf(!haveRegistry)('hostile: registry faults', () => {
  let sb: Sandbox;
  let registry: RunningRegistry;
  let proxy: RegistryFaultProxy;
  let repoCount = 0;
  const noDocker = join(tmpdir(), 'hostile-no-docker-config');

  beforeAll(async () => {
    sb = await Sandbox.create();
    // Another image config over the same packages: one new blob (the config) to upload on the second push.
    sb.write('two.yaml', sb.config({ extra: 'environment:\n  IMAGE: two\n' }));
    registry = await startRegistry();
    proxy = await startRegistryFaultProxy(registry.host);
  }, 120_000);
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });

  const publish = (config: string, ref: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}) =>
    sb.runAsync(['publish', config, ref, ...args], { DOCKER_CONFIG: noDocker, ...env });

  /** A repository no case used, with `apko.yaml`'s image published and tagged `v1` through the proxy; returns its name and digest. */
  async function tagged(): Promise<{ repo: string; ref: string; digest: string }> {
    const repo = `hostile/r${repoCount++}`;
    proxy.reset();
    const r = await publish('apko.yaml', `${proxy.host}/${repo}:v1`);
    expect(r.code, r.stderr).toBe(0);
    const digest = r.stdout.trim().split('@')[1]!;
    expect(await taggedDigest(registry.host, repo, 'v1')).toBe(digest);
    return { repo, ref: `${proxy.host}/${repo}:v1`, digest };
  }

  /** Publishing `two.yaml` to a tagged repository under `fault` is refused, and the tag still points at the first image. */
  async function refusedKeepingTag(hook: (r: ProxiedRequest) => RegistryFault, names: (string | RegExp)[], args: readonly string[] = []) {
    const t = await tagged();
    proxy.hook = hook;
    const r = await sb.refuses(() => publish('two.yaml', t.ref, args), { names: [proxy.host, ...names] });
    proxy.reset();
    expect(await taggedDigest(registry.host, t.repo, 'v1'), 'the tag still points at the image of the last good publish').toBe(t.digest);
    return r;
  }

  /** Publishing `two.yaml` under `fault` completes: the tag points at its digest. */
  async function ridesOut(hook: (r: ProxiedRequest) => RegistryFault, args: readonly string[] = []): Promise<ProxiedRequest[]> {
    const t = await tagged();
    proxy.hook = hook;
    const r = await publish('two.yaml', t.ref, args);
    const seen = [...proxy.seen];
    proxy.reset();
    expect(r.code, r.stderr).toBe(0);
    const digest = r.stdout.trim().split('@')[1]!;
    expect(digest).not.toBe(t.digest);
    expect(await taggedDigest(registry.host, t.repo, 'v1')).toBe(digest);
    return seen;
  }

  hostile('registry/blob-upload-500-then-ok', 'a blob upload answered HTTP 500 twice is retried and the push completes', async () => {
    const seen = await ridesOut(first((r) => r.method === 'PUT' && UPLOAD.test(r.path), { status: 500 }, 2));
    const puts = seen.filter((r) => r.method === 'PUT' && UPLOAD.test(r.path)).map((r) => r.status);
    expect(puts.filter((s) => s === 500), 'two answered 500').toHaveLength(2);
    expect(puts.filter((s) => s !== 500 && s !== 201), 'every other upload committed').toEqual([]);
  });

  hostile('registry/blob-upload-500-always', 'a blob upload that always fails is refused naming the registry URL and the blob; the tag does not move', async () => {
    await refusedKeepingTag(first((r) => r.method === 'PUT' && UPLOAD.test(r.path), { status: 500 }), [/pushing blob sha256:[0-9a-f]{64} to 127\.0\.0\.1:\d+\/hostile\/r\d+ failed/, 'failed after 5 attempts', 'HTTP 500']);
  });

  hostile('registry/upload-start-refused', 'a registry that refuses to start an upload (HTTP 403 DENIED) is refused, quoting its error; the tag does not move', async () => {
    await refusedKeepingTag(first((r) => r.method === 'POST' && r.path.endsWith('/blobs/uploads/'), { status: 403, body: registryErrorBody('DENIED', 'requested access to the resource is denied') }), [
      'DENIED: requested access to the resource is denied',
      'HTTP 403',
    ]);
  });

  hostile('registry/manifest-invalid', "a manifest the registry refuses (400 MANIFEST_INVALID) is refused with the registry's code and message; the tag does not move", async () => {
    await refusedKeepingTag(first((r) => r.method === 'PUT' && /\/manifests\/sha256:/.test(r.path), { status: 400, body: registryErrorBody('MANIFEST_INVALID', 'manifest invalid') }), [
      /pushing manifest sha256:[0-9a-f]{64} to 127\.0\.0\.1:\d+\/hostile\/r\d+:sha256:/,
      'MANIFEST_INVALID: manifest invalid',
      'HTTP 400',
    ]);
  });

  hostile('registry/tag-refused', 'a tag PUT the registry refuses (400 TAG_INVALID) is refused naming the tag; the tag does not move', async () => {
    await refusedKeepingTag(first((r) => r.method === 'PUT' && r.path.endsWith('/manifests/v1'), { status: 400, body: registryErrorBody('TAG_INVALID', 'manifest tag did not match URI') }), [
      /hostile\/r\d+:v1/,
      'TAG_INVALID: manifest tag did not match URI',
    ]);
  });

  hostile('registry/manifest-500-always', 'manifest PUTs that always fail are refused naming the manifest after the retries; the tag does not move', async () => {
    await refusedKeepingTag(first((r) => r.method === 'PUT' && r.path.includes('/manifests/'), { status: 502 }), [/manifests\/sha256:[0-9a-f]{64}/, 'failed after 5 attempts', 'HTTP 502']);
  });

  hostile('registry/stall-deadline', 'a registry that accepts a manifest PUT and never answers is given up at --fetch-timeout; the tag does not move', async () => {
    const started = Date.now();
    await refusedKeepingTag(first((r) => r.method === 'PUT' && r.path.includes('/manifests/'), 'stall'), ['did not finish within 2s (the fetch deadline)', '--fetch-timeout'], ['--fetch-timeout', '2s']);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  hostile('registry/stall-once-retried', 'a blob upload that stalls once is given up after --stall-timeout, retried, and the push completes', async () => {
    const seen = await ridesOut(first((r) => r.method === 'PUT' && UPLOAD.test(r.path), 'stall', 1), ['--stall-timeout', '1s']);
    const puts = seen.filter((r) => r.method === 'PUT' && UPLOAD.test(r.path)).map((r) => r.status);
    expect(puts.filter((s) => s === 0), 'one stalled').toHaveLength(1);
    expect(puts.filter((s) => s !== 0 && s !== 201), 'every other upload committed').toEqual([]);
  });

  hostile('registry/dropped-connection-once', 'a connection dropped on a blob check is retried and the push completes', async () => {
    const seen = await ridesOut(first((r) => r.method === 'HEAD' && r.path.includes('/blobs/'), 'drop', 1));
    expect(seen.some((r) => r.method === 'HEAD' && r.status === 0)).toBe(true);
  });

  hostile('registry/dropped-connection-always', 'a registry that drops every manifest PUT is refused after the retries, naming the URL; the tag does not move', async () => {
    await refusedKeepingTag(first((r) => r.method === 'PUT' && r.path.includes('/manifests/'), 'drop'), ['failed after 5 attempts']);
  });

  hostile('registry/manifest-digest-rewritten', 'a registry that stores a manifest under another digest is refused, naming both; the tag does not move', async () => {
    const t = await tagged();
    proxy.headers = (r): Record<string, string> => (r.method === 'PUT' && /\/manifests\/sha256:/.test(r.path) ? { 'docker-content-digest': `sha256:${'0'.repeat(64)}` } : {});
    await sb.refuses(() => publish('two.yaml', t.ref), { names: [`stored manifest sha256:`, `as sha256:${'0'.repeat(64)}`] });
    proxy.reset();
    expect(await taggedDigest(registry.host, t.repo, 'v1')).toBe(t.digest);
  });

  hostile('registry/blob-digest-rewritten', 'a registry that commits a blob under another digest is refused, naming the blob; the tag does not move', async () => {
    const t = await tagged();
    proxy.headers = (r): Record<string, string> => (r.method === 'PUT' && UPLOAD.test(r.path) ? { 'docker-content-digest': `sha256:${'1'.repeat(64)}` } : {});
    await sb.refuses(() => publish('two.yaml', t.ref), { names: [/stored blob sha256:[0-9a-f]{64} as sha256:1{64}/] });
    proxy.reset();
    expect(await taggedDigest(registry.host, t.repo, 'v1')).toBe(t.digest);
  });

  hostile('registry/ping-503-always', 'a registry whose GET /v2/ always answers 503 is refused after the retries, naming the URL', async () => {
    proxy.reset();
    proxy.hook = (r) => (r.path === '/v2/' ? { status: 503 } : undefined);
    await sb.refuses(() => publish('apko.yaml', `${proxy.host}/hostile/ping:v1`), { names: [`http://${proxy.host}/v2/`, 'failed after 5 attempts', 'HTTP 503'] });
    proxy.reset();
  });

  hostile('registry/unreachable', 'a registry nobody listens on is refused after the retries, naming its URL', async () => {
    const port = await freePort();
    await sb.refuses(() => publish('apko.yaml', `127.0.0.1:${port}/hostile/gone:v1`), { names: [`http://127.0.0.1:${port}/v2/`, 'ECONNREFUSED'] });
  });

  describe('with token auth', () => {
    const USER = { user: 'pusher', password: 'p@ss:w0rd-hostile' };
    let tokens: TokenServer;
    let bearer: RunningRegistry;
    let tproxy: RegistryFaultProxy;
    const creds = { APKO_NX_REGISTRY_USERNAME: USER.user, APKO_NX_REGISTRY_PASSWORD: USER.password };
    beforeAll(async () => {
      tokens = await startTokenServer(USER);
      bearer = await startRegistry({ token: tokens });
      tproxy = await startRegistryFaultProxy(bearer.host);
    }, 60_000);
    afterAll(async () => {
      await tproxy?.stop();
      await bearer?.stop();
      await tokens?.stop();
    });

    const challenge = (repo: string) => `Bearer realm="${tokens.realm}",service="${tokens.service}",scope="repository:${repo}:pull,push",error="invalid_token"`;

    hostile('registry/token-expires-mid-push', 'a token refused in the middle of a push (401 after it was issued) is replaced by a new one and the push completes', async () => {
      const repo = 'hostile/tok';
      tproxy.reset();
      tproxy.hook = first((r) => r.method === 'PUT' && r.path.includes('/manifests/') && r.authorization !== undefined, { status: 401, body: registryErrorBody('UNAUTHORIZED', 'token expired'), headers: { 'www-authenticate': challenge(repo) } }, 1);
      const before = tokens.requests.length;
      const r = await publish('apko.yaml', `${tproxy.host}/${repo}:v1`, [], creds);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain(USER.password);
      expect(tproxy.seen.filter((s) => s.status === 401 && s.authorization !== undefined)).toHaveLength(1);
      // The first token, then a fresh one after the refusal.
      expect(tokens.requests.length - before).toBeGreaterThanOrEqual(2);
    });

    hostile('registry/token-refused-for-good', 'a registry that keeps refusing fresh tokens is refused naming the registry, with the credentials hint and no password', async () => {
      const repo = 'hostile/tok2';
      tproxy.reset();
      tproxy.hook = (r) => (r.method === 'PUT' && r.path.includes('/manifests/') ? { status: 401, body: registryErrorBody('UNAUTHORIZED', 'authentication required'), headers: { 'www-authenticate': challenge(repo) } } : undefined);
      const r = await sb.refuses(() => publish('apko.yaml', `${tproxy.host}/${repo}:v1`, [], creds), { names: [tproxy.host, 'HTTP 401'], says: /hint: .*docker login/ });
      expect(r.stderr).not.toContain(USER.password);
      tproxy.reset();
    });
  });
});
