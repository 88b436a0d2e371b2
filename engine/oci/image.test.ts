import { describe, expect, it } from 'vitest';
import type { Digest } from '../digest';
import { ConfigError } from '../errors';
import { BufferLayer } from '../layer';
import { imageConfig, renderEnv } from './config';
import { buildImage } from './image';
import { buildIndex } from './image-index';
import { platformForArch } from '../arch';

const hex = (c: string) => c.repeat(64);
/** JSON tests need only a layer's facts, not its bytes. */
const fakeLayer = (c: string, size: number) =>
  new BufferLayer({ digest: `sha256:${hex(c)}` as Digest, diffId: `sha256:${hex('d')}` as Digest, size }, []);
const golden = { created: 0, entrypoint: ['/bin/sh', '-l'], annotations: { 'org.opencontainers.image.title': 'Title', 'org.opencontainers.image.vendor': 'Vendor' } };

describe('imageConfig', () => {
  it('writes apko golden config bytes (658 bytes for one layer)', () => {
    const cfg = imageConfig({ ...golden, platform: platformForArch('x86_64') }, [`sha256:${hex('2')}` as Digest]);
    expect(cfg.bytes.toString()).toBe(
      '{"architecture":"amd64","author":"github.com/chainguard-dev/apko","created":"1970-01-01T00:00:00Z",' +
        '"history":[{"author":"apko","created":"1970-01-01T00:00:00Z","created_by":"apko","comment":"Title by Vendor"}],' +
        `"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:${hex('2')}"]},` +
        '"config":{"Entrypoint":["/bin/sh","-l"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/usr/sbin:/sbin:/bin","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],' +
        '"Labels":{"org.opencontainers.image.created":"1970-01-01T00:00:00Z","org.opencontainers.image.title":"Title","org.opencontainers.image.vendor":"Vendor"}}}',
    );
    expect(cfg.size).toBe(658);
  });

  it('writes every runtime field in ggcr order, variant last, and no comment for several layers', () => {
    const cfg = imageConfig(
      {
        platform: platformForArch('armv7'),
        created: 1700000000,
        entrypoint: ['/usr/bin/app'],
        cmd: ['--serve'],
        env: { A_B: '1', A: '<2>', PATH: '/bin' },
        workingDir: '/srv',
        user: '65532',
        stopSignal: 'SIGTERM',
        volumes: ['/data', '/cache'],
        annotations: { b: 'x&y' },
      },
      [`sha256:${hex('a')}` as Digest, `sha256:${hex('b')}` as Digest],
    );
    const h = '{"author":"apko","created":"2023-11-14T22:13:20Z","created_by":"apko"}';
    expect(cfg.bytes.toString()).toBe(
      '{"architecture":"arm","author":"github.com/chainguard-dev/apko","created":"2023-11-14T22:13:20Z",' +
        `"history":[${h},${h}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:${hex('a')}","sha256:${hex('b')}"]},` +
        '"config":{"Cmd":["--serve"],"Entrypoint":["/usr/bin/app"],' +
        '"Env":["A=\\u003c2\\u003e","A_B=1","PATH=/bin","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],' +
        '"Labels":{"b":"x\\u0026y","org.opencontainers.image.created":"2023-11-14T22:13:20Z"},' +
        '"User":"65532","Volumes":{"/cache":{},"/data":{}},"WorkingDir":"/srv","StopSignal":"SIGTERM"},"variant":"v7"}',
    );
  });

  it('says "single-layer image" in the history of a one-layer image without title and vendor', () => {
    const cfg = imageConfig({ platform: platformForArch('amd64'), created: 0 }, [`sha256:${hex('1')}` as Digest]);
    expect(cfg.bytes.toString()).toContain('"comment":"This is an apko single-layer image"');
  });

  it('keeps a configured PATH and sorts K=V strings bytewise', () => {
    expect(renderEnv({ Z: '1', PATH: '/x', a: '2' })).toEqual(['PATH=/x', 'SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt', 'Z=1', 'a=2']);
  });

  it('rejects a build date that is not whole seconds', () => {
    expect(() => imageConfig({ platform: platformForArch('amd64'), created: 1.5 }, [])).toThrow(ConfigError);
  });
});

describe('buildImage', () => {
  it('writes apko golden manifest bytes (560 bytes)', () => {
    const img = buildImage([fakeLayer('c', 3072)], { ...golden, platform: platformForArch('amd64') });
    expect(img.manifest.bytes.toString()).toBe(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",' +
        `"config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":658,"digest":"${img.config.digest}"},` +
        `"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":3072,"digest":"sha256:${hex('c')}"}],` +
        '"annotations":{"org.opencontainers.image.created":"1970-01-01T00:00:00Z","org.opencontainers.image.title":"Title","org.opencontainers.image.vendor":"Vendor"}}',
    );
    expect(img.manifest.size).toBe(560);
  });
});

describe('buildIndex', () => {
  it('lists manifests by OCI arch string with platform and artifactType, as in apko golden index', () => {
    const arm = buildImage([fakeLayer('e', 10)], { ...golden, platform: platformForArch('aarch64') });
    const amd = buildImage([fakeLayer('c', 10)], { ...golden, platform: platformForArch('x86_64') });
    const idx = buildIndex([arm, amd], { created: 0, annotations: golden.annotations });
    const desc = (d: string, s: number, arch: string) =>
      `{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":${s},"digest":"${d}","platform":{"architecture":"${arch}","os":"linux"},"artifactType":"application/vnd.oci.image.config.v1+json"}`;
    expect(idx.manifest.bytes.toString()).toBe(
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[' +
        `${desc(amd.manifest.digest, amd.manifest.size, 'amd64')},${desc(arm.manifest.digest, arm.manifest.size, 'arm64')}],` +
        '"annotations":{"org.opencontainers.image.created":"1970-01-01T00:00:00Z","org.opencontainers.image.title":"Title","org.opencontainers.image.vendor":"Vendor"}}',
    );
    expect(idx.images.map((i) => i.platform.architecture)).toEqual(['amd64', 'arm64']);
  });

  it('writes the variant in the platform and sorts arm/v6 before arm/v7 before arm64', () => {
    const imgs = ['aarch64', 'armv7', 'armhf'].map((a) => buildImage([fakeLayer('1', 1)], { created: 0, platform: platformForArch(a) }));
    const idx = buildIndex(imgs, { created: 0 });
    expect(idx.images.map((i) => i.platform.variant ?? i.platform.architecture)).toEqual(['v6', 'v7', 'arm64']);
    expect(idx.manifest.bytes.toString()).toContain('"platform":{"architecture":"arm","os":"linux","variant":"v6"}');
  });

  it('refuses two images for one platform', () => {
    const img = buildImage([fakeLayer('1', 1)], { created: 0, platform: platformForArch('amd64') });
    expect(() => buildIndex([img, img], { created: 0 })).toThrow('two images for the platform amd64 cannot share an index');
  });

  it('rejects an unknown architecture with the known names as a hint', () => {
    expect(() => platformForArch('sparc')).toThrow(expect.objectContaining({ code: 'ECONFIG', message: expect.stringContaining('unknown architecture "sparc" (expected one of: 386, amd64') }));
  });
});
