import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hasTool } from '../../e2e/support/env';
import { startProxy, startRegistry, type Fault, type RunningRegistry, type TestProxy } from '../../e2e/support/registry';
import { sha256Digest } from '../digest';
import { RegistryError } from '../errors';
import type { ImageIndex } from '../oci/image-index';
import { tinyIndex } from '../oci/testdata/images';
import { createRegistryClient } from './client';
import { parseReference } from '../reference';
import { artifactManifest, referrersTag } from './referrers';

import { pushImageIndex, type PushAttachment, type PushInput } from './push';

/** The registry is format-agnostic: any artifact type goes; SPDX's is the one builds use. */
const SPDX_ARTIFACT_TYPE = 'application/spdx+json';

/**
 * The push against a real registry (docker-registry 2.8, no referrers API)
 * behind a recording, fault-injecting loopback proxy.
 */
const ready = hasTool('docker-registry');

describe.skipIf(!ready)('pushImageIndex', () => {
  let registry: RunningRegistry;
  let proxy: TestProxy;
  let fault: (req: { method: string; path: string }) => Fault;
  let extraHeaders: (req: { method: string; path: string }) => Record<string, string>;
  let index: ImageIndex;
  let other: ImageIndex;

  beforeAll(async () => {
    registry = await startRegistry();
    proxy = await startProxy(registry.host, { fault: (r) => fault(r), extraHeaders: (r) => extraHeaders(r) });
    index = await tinyIndex(['x86_64', 'aarch64']);
    other = await tinyIndex(['x86_64', 'aarch64'], { layered: true, extra: ' again' });
  });
  afterAll(async () => {
    await proxy?.stop();
    await registry?.stop();
  });
  beforeEach(() => {
    proxy.seen.length = 0;
    fault = () => undefined;
    extraHeaders = () => ({});
  });

  function push(tags: string[], extra: Partial<PushInput> = {}) {
    return pushImageIndex({
      index,
      targets: tags.map((t) => parseReference(`${proxy.host}/${t}`)),
      created: 1700000000,
      clientFor: (r) => createRegistryClient({ registry: r, retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 } }),
      ...extra,
    });
  }

  /** GET straight from the registry, not through the proxy. */
  async function get(path: string, accept = 'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json') {
    const res = await fetch(`http://${registry.host}${path}`, { headers: { accept } });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }

  const requests = () => proxy.seen.map((s) => `${s.method} ${s.path.replace(/\?.*/, '').replace(/uploads\/[^/]+$/, 'uploads/<id>')}`);

  it('pushes blobs, then manifests by digest, then the index by digest, and tags last; the registry serves our bytes', async () => {
    const result = await push(['one/app:1.0']);
    const repo = `${proxy.host}/one/app`;
    expect(result.reference).toBe(`${repo}@${index.manifest.digest}`);
    expect(result.imageRefs).toEqual([...index.images.map((i) => `${repo}@${i.manifest.digest}`), `${repo}@${index.manifest.digest}`]);
    expect(result.tagged).toEqual([`${repo}:1.0`]);
    const blobCount = new Set(index.images.flatMap((i) => [...i.layers.map((l) => l.digest), i.config.digest])).size;
    expect(result.blobs).toEqual({ uploaded: blobCount, mounted: 0, existing: 0 });
    const order = requests();
    const lastBlobPut = order.lastIndexOf('PUT /v2/one/app/blobs/uploads/<id>');
    const manifestPuts = order.map((r, i) => [r, i] as const).filter(([r]) => r.startsWith('PUT /v2/one/app/manifests/'));
    expect(manifestPuts.map(([r]) => r.slice('PUT /v2/one/app/manifests/'.length))).toEqual([
      ...index.images.map((i) => i.manifest.digest),
      index.manifest.digest,
      '1.0',
    ]);
    expect(manifestPuts[0]![1]).toBeGreaterThan(lastBlobPut);
    expect((await get('/v2/one/app/manifests/1.0')).body.equals(index.manifest.bytes)).toBe(true);
    for (const img of index.images) {
      expect((await get(`/v2/one/app/manifests/${img.manifest.digest}`)).body.equals(img.manifest.bytes)).toBe(true);
      expect((await get(`/v2/one/app/blobs/${img.config.digest}`)).body.equals(img.config.bytes)).toBe(true);
    }
  });

  it('checks each blob with HEAD and uploads nothing the repository already has', async () => {
    await push(['two/app:a']);
    proxy.seen.length = 0;
    const again = await push(['two/app:b']);
    expect(again.blobs.uploaded).toBe(0);
    expect(again.blobs.existing).toBeGreaterThan(0);
    expect(requests().filter((r) => r.includes('/blobs/uploads/'))).toEqual([]);
    expect(requests().filter((r) => r.startsWith('HEAD '))).toHaveLength(again.blobs.existing);
  });

  it('mounts blobs into a second repository of the same registry instead of uploading them again', async () => {
    const result = await push(['three/first:x', 'three/second:x']);
    const blobCount = result.blobs.uploaded;
    expect(result.blobs).toEqual({ uploaded: blobCount, mounted: blobCount, existing: 0 });
    const mounts = proxy.seen.filter((s) => s.method === 'POST' && s.path.startsWith('/v2/three/second/blobs/uploads/?mount='));
    expect(mounts).toHaveLength(blobCount);
    expect(mounts.every((m) => m.status === 201 && m.path.includes('from=three%2Ffirst'))).toBe(true);
    expect(requests().filter((r) => r.startsWith('PUT /v2/three/second/blobs/'))).toEqual([]);
    expect((await get('/v2/three/second/manifests/x')).body.equals(index.manifest.bytes)).toBe(true);
  });

  it('uploads a blob larger than the chunk size in PATCHes with Content-Range', async () => {
    const layer = index.images[0]!.layers[0]!;
    expect(layer.size).toBeGreaterThan(300);
    await push(['four/app:chunked'], { chunkSize: 128 });
    const blobs = new Map(index.images.flatMap((i) => [...i.layers, i.config]).map((b) => [b.digest, b.size] as const));
    const expected = [...blobs.values()].filter((size) => size > 128).reduce((n, size) => n + Math.ceil(size / 128), 0);
    expect(proxy.seen.filter((s) => s.method === 'PATCH')).toHaveLength(expected);
    const bytes = (await get(`/v2/four/app/blobs/${layer.digest}`)).body;
    expect(sha256Digest(bytes)).toBe(layer.digest);
  });

  it('attaches SBOMs as artifacts with a subject, listed under the referrers fallback tag', async () => {
    const attachments: PushAttachment[] = index.images.map((img, i) => ({
      subject: img.manifest.digest,
      artifactType: SPDX_ARTIFACT_TYPE,
      title: `sbom-${i}.spdx.json`,
      bytes: Buffer.from(`{"spdxVersion":"SPDX-2.3","name":"image ${i}"}`),
    }));
    const result = await push(['five/app:1'], { attachments });
    expect(result.attachments).toEqual(['tag-fallback', 'tag-fallback']);
    for (const [i, img] of index.images.entries()) {
      const fallback = JSON.parse((await get(`/v2/five/app/manifests/${referrersTag(img.manifest.digest)}`)).body.toString());
      const { manifest } = artifactManifest({ ...attachments[i]!, subject: img.manifest, created: 1700000000 });
      expect(fallback.manifests).toEqual([
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          size: manifest.size,
          digest: manifest.digest,
          annotations: { 'org.opencontainers.image.created': '2023-11-14T22:13:20Z' },
          artifactType: SPDX_ARTIFACT_TYPE,
        },
      ]);
      const artifact = JSON.parse((await get(`/v2/five/app/manifests/${manifest.digest}`)).body.toString());
      expect(artifact.subject).toEqual({ mediaType: img.manifest.mediaType, size: img.manifest.size, digest: img.manifest.digest });
      expect(artifact.artifactType).toBe(SPDX_ARTIFACT_TYPE);
      const doc = (await get(`/v2/five/app/blobs/${artifact.layers[0].digest}`)).body;
      expect(doc.equals(attachments[i]!.bytes)).toBe(true);
    }
    // Pushing again lists each artifact once.
    await push(['five/app:1'], { attachments });
    const again = JSON.parse((await get(`/v2/five/app/manifests/${referrersTag(index.images[0]!.manifest.digest)}`)).body.toString());
    expect(again.manifests).toHaveLength(1);
  });

  it('skips the fallback tag when the registry answers OCI-Subject (referrers API)', async () => {
    const img = index.images[0]!;
    const attachment: PushAttachment = { subject: img.manifest.digest, artifactType: SPDX_ARTIFACT_TYPE, title: 'sbom.spdx.json', bytes: Buffer.from('{}') };
    const artifactDigest = artifactManifest({ ...attachment, subject: img.manifest, created: 1700000000 }).manifest.digest;
    extraHeaders = (r): Record<string, string> => (r.method === 'PUT' && r.path.endsWith(`/manifests/${artifactDigest}`) ? { 'oci-subject': img.manifest.digest } : {});
    const result = await push(['six/app:1'], { attachments: [attachment] });
    expect(result.attachments).toEqual(['referrers-api']);
    expect(requests().filter((r) => r.includes('/manifests/sha256-'))).toEqual([]);
  });

  it('rides out a registry that fails the first two PUTs with 500', async () => {
    let puts = 0;
    fault = (r) => (r.method === 'PUT' && ++puts <= 2 ? 500 : undefined);
    await push(['seven/app:1']);
    expect(proxy.seen.filter((s) => s.status === 500)).toHaveLength(2);
    expect((await get('/v2/seven/app/manifests/1')).body.equals(index.manifest.bytes)).toBe(true);
  });

  it('rides out dropped connections and an upload session the registry forgot', async () => {
    let dropped = false;
    let forgot = false;
    fault = (r) => {
      if (r.method === 'HEAD' && !dropped) return ((dropped = true), 'drop');
      if (r.method === 'PUT' && r.path.includes('/blobs/uploads/') && !forgot) return ((forgot = true), 404);
      return undefined;
    };
    const result = await push(['eight/app:1']);
    expect(dropped && forgot).toBe(true);
    expect(result.tagged).toHaveLength(1);
    expect((await get('/v2/eight/app/manifests/1')).body.equals(index.manifest.bytes)).toBe(true);
  });

  it('leaves no tag behind when a step before tagging keeps failing', async () => {
    fault = (r) => (r.method === 'PUT' && r.path.endsWith(`/manifests/${other.manifest.digest}`) ? 500 : undefined);
    const err = (await push(['nine/app:1'], { index: other }).catch((e: unknown) => e)) as RegistryError;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.status).toBe(500);
    expect(err.message).toContain(`/v2/nine/app/manifests/${other.manifest.digest} failed after 4 attempts`);
    expect(requests().filter((r) => r === 'PUT /v2/nine/app/manifests/1')).toEqual([]);
    expect((await get('/v2/nine/app/manifests/1')).status).toBe(404);
  });
});
