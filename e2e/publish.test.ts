import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256Digest } from '../engine/digest';
import { cleanEnv, runCliAsync } from './support/cli';
import { hasTool } from './support/env';
import { startProxy, startRegistry, startTokenServer, type Fault, type RunningRegistry, type TestProxy, type TokenServer } from './support/registry';
import { apkoYaml, BASELAYOUT, makeWorkspace, type TestWorkspace } from './support/workspace';

/**
 * `apko-nx publish` against real registries (docker-registry 2.8 on
 * loopback: anonymous, htpasswd basic auth, token auth), read back with
 * skopeo. A recording proxy in front of the registry shows which blobs were
 * uploaded, skipped or mounted, and injects failures.
 */
const tools = ['docker-registry', 'skopeo', 'perl', 'openssl'].every((t) => hasTool(t));

/** Runs a command without blocking this process (the proxy and token server live here). */
function run(cmd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (${code}): ${err}`))));
  });
}

const HELLO = {
  name: 'test-hello',
  version: '2.0.0-r0',
  license: 'MIT',
  builddate: 1700000100,
  files: [{ path: 'usr/share/hello/greeting', type: 'file' as const, mode: 0o644, data: 'hello from a published image\n' }],
};

/** Digests of every layer named by the manifests of the index at `ref` (read with skopeo). */
async function layerDigests(ref: string, extra: string[] = []): Promise<string[]> {
  const index = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ...extra, `docker://${ref}`]));
  const out: string[] = [];
  for (const m of index.manifests) {
    const repo = ref.replace(/[:@][^/]*$/, '');
    const manifest = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', ...extra, `docker://${repo}@${m.digest}`]));
    out.push(...manifest.layers.map((l: { digest: string }) => l.digest));
  }
  return out;
}

describe.skipIf(!tools)('apko-nx publish', () => {
  let ws: TestWorkspace;
  let registry: RunningRegistry;
  let proxy: TestProxy;
  let fault: (req: { method: string; path: string }) => Fault;
  const stop: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT, HELLO]);
    // Same packages, one layer per package, different config: the package layers are
    // shared; the last layer (it holds /etc/apko.json) and the config are not.
    const layered = 'layering:\n  strategy: origin\n  budget: 10\n';
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout', 'test-hello'], extra: `${layered}environment:\n  IMAGE: one\n` }));
    ws.write('second.yaml', apkoYaml(ws, { packages: ['test-baselayout', 'test-hello'], extra: `${layered}environment:\n  IMAGE: two\n` }));
    registry = await startRegistry();
    stop.push(() => registry.stop());
    proxy = await startProxy(registry.host, { fault: (r) => fault(r) });
    stop.push(() => proxy.stop());
  });
  afterAll(async () => {
    for (const s of stop.reverse()) await s();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
    fault = () => undefined;
  });

  function publish(args: string[], env: Record<string, string | undefined> = {}) {
    return runCliAsync(['publish', ...args, '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir, env: cleanEnv({ DOCKER_CONFIG: join(ws.dir, 'no-docker-config'), ...env }) });
  }

  /** Blob digests the proxy saw uploaded (the `digest` of each upload-completing PUT). */
  const uploaded = () =>
    proxy.seen.filter((s) => s.method === 'PUT' && s.path.includes('/blobs/uploads/')).map((s) => new URL(s.path, 'http://x').searchParams.get('digest'));

  it('pushes the multi-arch image, prints <repo>@<digest>, writes --image-refs, and skopeo reads back the same digests', async () => {
    const refs = join(ws.dir, 'refs.txt');
    const r = await publish(['apko.yaml', `${proxy.host}/e2e/app:1.0`, `${proxy.host}/e2e/app:latest`, '--image-refs', refs]);
    expect(r.stderr).toContain('tagged');
    expect(r.code, r.stderr).toBe(0);
    const [printed] = r.stdout.trim().split('\n');
    expect(printed).toMatch(new RegExp(`^${proxy.host.replace(/\./g, '\\.')}/e2e/app@sha256:[0-9a-f]{64}$`));
    const digest = printed!.split('@')[1]!;
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/app:1.0`]);
    expect(sha256Digest(raw)).toBe(digest);
    const latest = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/app:latest`]);
    expect(latest).toBe(raw);
    const index = JSON.parse(raw);
    expect(index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(['amd64', 'arm64']);
    // apko's --image-refs: each arch image, then the index.
    const repo = `${proxy.host}/e2e/app`;
    expect(readFileSync(refs, 'utf8')).toBe([...index.manifests.map((m: { digest: string }) => `${repo}@${m.digest}`), `${repo}@${digest}`, ''].join('\n'));
    // skopeo (1.9) re-encodes an index it copies (it drops artifactType), so the copy's
    // index has another digest; every image manifest and blob must arrive byte for byte.
    const layout = mkdtempSync(join(tmpdir(), 'skopeo-oci-'));
    await run('skopeo', ['copy', '--all', '--src-tls-verify=false', `docker://${registry.host}/e2e/app:1.0`, `oci:${layout}:copied`]);
    const blob = (d: string) => readFileSync(join(layout, 'blobs', 'sha256', d.slice('sha256:'.length)));
    const top = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const copied = JSON.parse(blob(top.manifests[0].digest).toString());
    expect(copied.manifests.map((m: { digest: string }) => m.digest)).toEqual(index.manifests.map((m: { digest: string }) => m.digest));
    for (const m of index.manifests as Array<{ digest: string }>) {
      const manifest = JSON.parse(blob(m.digest).toString());
      expect(sha256Digest(blob(m.digest))).toBe(m.digest);
      for (const d of [manifest.config.digest, ...manifest.layers.map((l: { digest: string }) => l.digest)]) expect(sha256Digest(blob(d))).toBe(d);
    }
    // publish builds exactly what build builds.
    const out = join(ws.dir, 'built');
    mkdirSync(out);
    const built = await runCliAsync(['build', 'apko.yaml', 'e2e/app:1.0', out, '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir, env: cleanEnv() });
    expect(built.stderr).toContain(`e2e/app:1.0@${digest}`);
  });

  it('pushes each arch SBOM as an artifact referring to its image, under the referrers tag fallback', async () => {
    const r = await publish(['apko.yaml', `${proxy.host}/e2e/sbom:1`]);
    expect(r.code, r.stderr).toBe(0);
    const index = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/sbom:1`]));
    for (const m of index.manifests as Array<{ digest: string }>) {
      const tag = m.digest.replace(':', '-');
      const fallback = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/sbom:${tag}`]));
      expect(fallback.manifests).toHaveLength(1);
      expect(fallback.manifests[0].artifactType).toBe('application/spdx+json');
      const artifact = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/sbom@${fallback.manifests[0].digest}`]));
      expect(artifact.subject.digest).toBe(m.digest);
      const res = await fetch(`http://${registry.host}/v2/e2e/sbom/blobs/${artifact.layers[0].digest}`);
      const spdx = (await res.json()) as { spdxVersion: string; packages: Array<{ name: string }> };
      expect(spdx.spdxVersion).toBe('SPDX-2.3');
      expect(spdx.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['test-hello', 'test-baselayout']));
    }
  });

  it('skips the layers a repository already has and mounts them into another repository, uploading only what is new', async () => {
    const first = await publish(['apko.yaml', `${proxy.host}/e2e/shared:1`]);
    expect(first.code, first.stderr).toBe(0);
    const layers = await layerDigests(`${registry.host}/e2e/shared:1`);
    proxy.seen.length = 0;
    const r = await publish(['second.yaml', `${proxy.host}/e2e/shared:2`, `${proxy.host}/e2e/mirror:2`]);
    expect(r.code, r.stderr).toBe(0);
    // The layers both images share: HEAD says present, none is uploaded again.
    const shared = (await layerDigests(`${registry.host}/e2e/shared:2`)).filter((d) => layers.includes(d));
    expect(new Set(shared).size).toBeGreaterThanOrEqual(2);
    expect(uploaded().length).toBeGreaterThan(0);
    expect(uploaded().filter((d) => shared.includes(d!))).toEqual([]);
    const heads = proxy.seen.filter((s) => s.method === 'HEAD' && shared.some((l) => s.path === `/v2/e2e/shared/blobs/${l}`));
    expect(heads.map((s) => s.status)).toEqual(heads.map(() => 200));
    expect(new Set(heads.map((s) => s.path)).size).toBe(new Set(shared).size);
    // Into the second repository every blob is mounted from the first, none uploaded.
    const mounts = proxy.seen.filter((s) => s.method === 'POST' && s.path.startsWith('/v2/e2e/mirror/blobs/uploads/?mount='));
    expect(mounts.length).toBeGreaterThan(0);
    expect(mounts.every((m) => m.status === 201)).toBe(true);
    expect(proxy.seen.filter((s) => s.method === 'PUT' && s.path.startsWith('/v2/e2e/mirror/blobs/'))).toEqual([]);
    expect(r.stderr).toMatch(/e2e\/mirror: \d+ blobs \(0 uploaded, \d+ mounted, 0 already there\)/);
  });

  it('mounts blobs from a repository that an earlier publish run pushed to', async () => {
    const first = await publish(['apko.yaml', `${proxy.host}/e2e/origin:1`]);
    expect(first.code, first.stderr).toBe(0);
    proxy.seen.length = 0;
    const r = await publish(['apko.yaml', `${proxy.host}/e2e/elsewhere:1`]);
    expect(r.code, r.stderr).toBe(0);
    // Every layer comes over by a mount from the earlier run's repository; only the SBOMs
    // (which name the new repository) are new bytes.
    const layers = await layerDigests(`${registry.host}/e2e/elsewhere:1`);
    const mounted = proxy.seen
      .filter((s) => s.method === 'POST' && s.status === 201 && s.path.startsWith('/v2/e2e/elsewhere/blobs/uploads/?mount='))
      .map((s) => new URL(s.path, 'http://x').searchParams.get('mount'));
    for (const l of layers) expect(mounted).toContain(l);
    expect(uploaded().filter((d) => layers.includes(d!))).toEqual([]);
  });

  it('ends with a correct image when the registry fails the first two PUTs with 500', async () => {
    let puts = 0;
    fault = (req) => (req.method === 'PUT' && ++puts <= 2 ? 500 : undefined);
    const r = await publish(['apko.yaml', `${proxy.host}/e2e/flaky:1`]);
    expect(r.code, r.stderr).toBe(0);
    expect(proxy.seen.filter((s) => s.status === 500)).toHaveLength(2);
    const digest = r.stdout.trim().split('@')[1]!;
    expect(sha256Digest(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/flaky:1`]))).toBe(digest);
  });

  it('applies the build flags: --arch builds one platform, --sbom=false pushes no SBOM', async () => {
    const refs = join(ws.dir, 'one-arch.txt');
    const r = await publish(['apko.yaml', `${proxy.host}/e2e/amd:1`, '--arch', 'x86_64', '--sbom=false', '--image-refs', refs]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(refs, 'utf8').trim().split('\n')).toHaveLength(2);
    const index = JSON.parse(await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/e2e/amd:1`]));
    expect(index.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture)).toEqual(['amd64']);
    expect(proxy.seen.filter((s) => s.path.includes('/manifests/sha256-'))).toEqual([]);
  });

  it('refuses a digest as a target and too few arguments, before building', async () => {
    const byDigest = await publish(['apko.yaml', `${proxy.host}/e2e/app@sha256:${'0'.repeat(64)}`]);
    expect(byDigest.code).toBe(1);
    expect(byDigest.stderr).toContain('names a digest; publish pushes to tags');
    const few = await publish(['apko.yaml']);
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('publish needs a config file and at least one image reference, got 1 argument');
    expect(proxy.seen).toEqual([]);
  });
});

describe.skipIf(!tools)('apko-nx publish with credentials', () => {
  const USER = { user: 'pusher', password: 'p@ss:word' };
  let ws: TestWorkspace;
  let basic: RunningRegistry;
  let tokens: TokenServer;
  let bearer: RunningRegistry;

  beforeAll(async () => {
    ws = await makeWorkspace([BASELAYOUT], ['x86_64']);
    ws.write('apko.yaml', apkoYaml(ws, { packages: ['test-baselayout'], archs: ['x86_64'] }));
    basic = await startRegistry({ htpasswd: USER });
    tokens = await startTokenServer(USER);
    bearer = await startRegistry({ token: tokens });
  });
  afterAll(async () => {
    await basic?.stop();
    await bearer?.stop();
    await tokens?.stop();
  });

  function publish(ref: string, env: Record<string, string | undefined>) {
    return runCliAsync(['publish', 'apko.yaml', ref, '--cache-dir', join(ws.dir, 'cache')], { cwd: ws.dir, env: cleanEnv({ DOCKER_CONFIG: join(ws.dir, 'empty'), ...env }) });
  }

  /** A DOCKER_CONFIG directory with `config`. */
  function dockerConfig(name: string, config: unknown): string {
    const dir = join(ws.dir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    return dir;
  }

  const creds = `--creds=${USER.user}:${USER.password}`;

  it('fails without credentials, saying where to put them', async () => {
    const r = await publish(`${basic.host}/locked/app:1`, {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${basic.host} needs credentials (HTTP 401, basic auth)`);
    expect(r.stderr).toContain('hint: log in with `docker login <registry>`');
  });

  it('pushes with basic auth from APKO_NX_REGISTRY_USERNAME/PASSWORD', async () => {
    const r = await publish(`${basic.host}/env/app:1`, { APKO_NX_REGISTRY_USERNAME: USER.user, APKO_NX_REGISTRY_PASSWORD: USER.password });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(USER.password);
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', creds, `docker://${basic.host}/env/app:1`]);
    expect(sha256Digest(raw)).toBe(r.stdout.trim().split('@')[1]);
  });

  it('pushes with basic auth from a docker credential helper named in credHelpers', async () => {
    const bin = join(ws.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const helper = join(bin, 'docker-credential-e2e');
    writeFileSync(helper, `#!/bin/sh\nread server\n[ "$server" = "${basic.host}" ] || { echo "credentials not found"; exit 1; }\necho '{"Username":"${USER.user}","Secret":"${USER.password}"}'\n`);
    chmodSync(helper, 0o755);
    const dir = dockerConfig('helper-config', { credHelpers: { [basic.host]: 'e2e' } });
    const r = await publish(`${basic.host}/helper/app:1`, { DOCKER_CONFIG: dir, PATH: `${bin}:${process.env.PATH}` });
    expect(r.code, r.stderr).toBe(0);
    await run('skopeo', ['inspect', '--raw', '--tls-verify=false', creds, `docker://${basic.host}/helper/app:1`]);
  });

  it('follows the bearer-token challenge with credentials from DOCKER_CONFIG auths', async () => {
    const dir = dockerConfig('token-config', { auths: { [bearer.host]: { auth: Buffer.from(`${USER.user}:${USER.password}`).toString('base64') } } });
    const r = await publish(`${bearer.host}/tok/app:1`, { DOCKER_CONFIG: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(tokens.requests.length).toBeGreaterThan(0);
    expect(tokens.requests.every((q) => q.authorized)).toBe(true);
    expect(tokens.requests.flatMap((q) => q.scopes)).toContain('repository:tok/app:pull,push');
    const raw = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', creds, `docker://${bearer.host}/tok/app:1`]);
    expect(sha256Digest(raw)).toBe(r.stdout.trim().split('@')[1]);
  });

  it('reports a token service that refuses the credentials', async () => {
    const dir = dockerConfig('bad-token-config', { auths: { [bearer.host]: { username: USER.user, password: 'wrong' } } });
    const r = await publish(`${bearer.host}/tok/app:2`, { DOCKER_CONFIG: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the token service ${tokens.realm} of ${bearer.host} refused a token for repository:tok/app:pull,push (HTTP 401)`);
    expect(r.stderr).not.toContain('wrong');
  });
});
