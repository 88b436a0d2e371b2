import { describe, expect, it } from 'vitest';
import { sha1HexFromQ1, sha256Hex, type ApkChecksum } from '../digest';
import { ApkoError, ConfigError, FormatError } from '../errors';
import { spdxForImage } from './image';
import { serializeSpdx } from './serialize';
import type { SpdxDocument, SpdxPackage } from './spdx-model';
import { alpineImage, pkg, wolfiImage } from './testdata/inputs';
import type { ImageSbomInput } from './types';

const byName = (doc: SpdxDocument, name: string): SpdxPackage => {
  const found = doc.packages.filter((p) => p.name === name);
  expect(found).toHaveLength(1);
  return found[0]!;
};
function thrown(fn: () => unknown): ApkoError {
  try {
    fn();
  } catch (e) {
    return e as ApkoError;
  }
  throw new Error('expected an error');
}
const edges = (doc: SpdxDocument, type: string): string[][] =>
  doc.relationships.filter((r) => r.relationshipType === type).map((r) => [r.spdxElementId, r.relatedSpdxElement]);

describe('spdxForImage', () => {
  it('describes the image package with its digest, purl and CONTAINER purpose', () => {
    const input = wolfiImage();
    const doc = spdxForImage(input);
    const hex = input.imageDigest.slice('sha256:'.length);
    const image = `SPDXRef-Image-sha256-${hex}`;
    expect(doc.documentDescribes).toEqual([image]);
    expect(edges(doc, 'DESCRIBES')).toEqual([['SPDXRef-DOCUMENT', image]]);
    expect(doc.packages.find((p) => p.SPDXID === image)).toEqual({
      SPDXID: image,
      name: 'hello',
      versionInfo: input.imageDigest,
      filesAnalyzed: false,
      description: 'OCI image for linux/amd64',
      downloadLocation: 'NOASSERTION',
      primaryPackagePurpose: 'CONTAINER',
      checksums: [{ algorithm: 'SHA256', checksumValue: hex }],
      externalRefs: [
        {
          referenceCategory: 'PACKAGE-MANAGER',
          referenceType: 'purl',
          referenceLocator:
            `pkg:oci/hello@sha256%3A${hex}?arch=amd64&mediaType=application%2Fvnd.oci.image.manifest.v1%2Bjson` +
            '&os=linux&repository_url=cgr.dev%2Fchainguard%2Fhello&tag=latest',
        },
      ],
    });
  });

  it('lists every installed package with version, license, supplier, checksums and purl', () => {
    const input = wolfiImage();
    const glibc = input.packages.find((p) => p.name === 'glibc')!;
    expect(byName(spdxForImage(input), 'glibc')).toEqual({
      SPDXID: 'SPDXRef-Package-glibc-2.38-r5',
      name: 'glibc',
      versionInfo: '2.38-r5',
      filesAnalyzed: false,
      description: 'glibc package',
      licenseDeclared: 'LGPL-2.1-or-later',
      downloadLocation: 'NOASSERTION',
      homepage: 'https://www.gnu.org/software/libc',
      supplier: 'NOASSERTION',
      sourceInfo: 'built from the APK origin package glibc',
      checksums: [
        { algorithm: 'SHA1', checksumValue: sha1HexFromQ1(glibc.checksum as ApkChecksum) },
        { algorithm: 'SHA256', checksumValue: sha256Hex('glibc data') },
      ],
      externalRefs: [
        { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:apk/wolfi/glibc@2.38-r5?arch=x86_64&distro=wolfi' },
      ],
    });
    const doc = spdxForImage(alpineImage());
    expect(byName(doc, 'busybox').supplier).toBe('Organization: Natanael Copa (ncopa@alpinelinux.org)');
    expect(byName(doc, 'libstdc++').SPDXID).toBe('SPDXRef-Package-libstdcC43C43-12.2.1C95git20220924-r10');
    expect(byName(doc, 'libstdc++').externalRefs![0]!.referenceLocator).toBe(
      'pkg:apk/alpine/libstdc%2B%2B@12.2.1_git20220924-r10?arch=aarch64&distro=alpine',
    );
    expect(byName(doc, 'py3.12-foo_bar').externalRefs![0]!.referenceLocator).toBe(
      'pkg:apk/alpine/py3.12-foo_bar@1.0-r0?arch=noarch&distro=alpine',
    );
  });

  it('has the image contain the OS and every package, and packages depend on installed packages only', () => {
    const input = wolfiImage();
    const doc = spdxForImage(input);
    const image = doc.documentDescribes[0]!;
    const contained = edges(doc, 'CONTAINS').filter(([from]) => from === image).map(([, to]) => to);
    expect(contained).toEqual([
      'SPDXRef-OperatingSystem-wolfi',
      'SPDXRef-Package-glibc-2.38-r5',
      'SPDXRef-Package-hello-wolfi-2.12.1-r0',
      'SPDXRef-Package-hello-wolfi-doc-2.12.1-r0',
      'SPDXRef-Package-ld-linux-2.38-r5',
      'SPDXRef-Package-wolfi-baselayout-20230201-r7',
    ]);
    // hello-wolfi also names not-installed, which has no element and is left out.
    expect(edges(doc, 'DEPENDS_ON')).toEqual([
      ['SPDXRef-Package-glibc-2.38-r5', 'SPDXRef-Package-wolfi-baselayout-20230201-r7'],
      ['SPDXRef-Package-hello-wolfi-2.12.1-r0', 'SPDXRef-Package-glibc-2.38-r5'],
      ['SPDXRef-Package-hello-wolfi-2.12.1-r0', 'SPDXRef-Package-ld-linux-2.38-r5'],
      ['SPDXRef-Package-ld-linux-2.38-r5', 'SPDXRef-Package-glibc-2.38-r5'],
    ]);
  });

  it('adds the operating system from os-release with purpose OPERATING_SYSTEM', () => {
    expect(byName(spdxForImage(alpineImage()), 'alpine')).toEqual({
      SPDXID: 'SPDXRef-OperatingSystem-alpine',
      name: 'alpine',
      versionInfo: '3.18.4',
      filesAnalyzed: false,
      description: 'Alpine Linux v3.18',
      downloadLocation: 'NOASSERTION',
      supplier: 'Organization: Alpine Linux',
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
  });

  it('adds no OS package and the unknown purl namespace when the image has no os-release', () => {
    const doc = spdxForImage({ ...alpineImage(), os: undefined });
    expect(doc.packages.some((p) => p.primaryPackagePurpose === 'OPERATING_SYSTEM')).toBe(false);
    expect(byName(doc, 'musl').externalRefs![0]!.referenceLocator).toBe('pkg:apk/unknown/musl@1.2.4-r2?arch=aarch64');
  });

  it('records the vcs-url as a SOURCE package the image is GENERATED_FROM', () => {
    const doc = spdxForImage(alpineImage());
    const commit = '0123456789abcdef0123456789abcdef01234567';
    expect(byName(doc, 'github.com/example/images')).toEqual({
      SPDXID: 'SPDXRef-Source-github.com-example-images',
      name: 'github.com/example/images',
      versionInfo: commit,
      filesAnalyzed: false,
      downloadLocation: `git+https://github.com/example/images@${commit}`,
      primaryPackagePurpose: 'SOURCE',
      checksums: [{ algorithm: 'SHA1', checksumValue: commit }],
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: `pkg:github/example/images@${commit}` }],
    });
    expect(edges(doc, 'GENERATED_FROM')).toEqual([[doc.documentDescribes[0], 'SPDXRef-Source-github.com-example-images']]);
  });

  it('keeps valid licenses and turns invalid ones into defined LicenseRefs', () => {
    const doc = spdxForImage(alpineImage());
    expect(byName(doc, 'ssl_client').licenseDeclared).toBe('GPL-2.0-only AND MIT');
    expect(byName(doc, 'py3.12-foo_bar').licenseDeclared).toBe('LicenseRef-custom');
    expect(byName(doc, 'tzdata').licenseDeclared).toBe('LicenseRef-Public-Domain');
    const libstdcxx = byName(doc, 'libstdc++').licenseDeclared!;
    expect(libstdcxx).toMatch(/^LicenseRef-GPL-2.0-or-later-LGPL-2.1-or-later-[0-9a-f]{8}$/);
    const defs = new Map(doc.hasExtractedLicensingInfos!.map((e) => [e.licenseId, e.extractedText]));
    expect(defs).toEqual(
      new Map([
        [libstdcxx, 'GPL-2.0-or-later LGPL-2.1-or-later'],
        ['LicenseRef-Public-Domain', 'Public-Domain'],
        ['LicenseRef-custom', 'custom'],
      ]),
    );
  });

  it('writes the same bytes for the same input whatever the package order', () => {
    const input = wolfiImage();
    const reversed: ImageSbomInput = {
      ...input,
      packages: [...input.packages].reverse().map((p) => ({ ...p, depends: [...p.depends].reverse() })),
    };
    const a = serializeSpdx(spdxForImage(input));
    expect(serializeSpdx(spdxForImage(reversed))).toBe(a);
    expect(serializeSpdx(spdxForImage(wolfiImage()))).toBe(a);
  });

  it('sorts packages by SPDXID and derives the namespace from the content', () => {
    const doc = spdxForImage(wolfiImage());
    const ids = doc.packages.map((p) => p.SPDXID);
    expect(ids).toEqual([...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.documentNamespace).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/apko-nx\/image-x86_64-[0-9a-f]{64}$/);
    const changed = spdxForImage({ ...wolfiImage(), packages: wolfiImage().packages.slice(1) });
    expect(changed.documentNamespace).not.toBe(doc.documentNamespace);
  });

  it('stamps created from SOURCE_DATE_EPOCH and the tool version as creator', () => {
    expect(spdxForImage(wolfiImage()).creationInfo).toEqual({
      created: '1970-01-01T00:00:00Z',
      creators: ['Tool: apko-nx (0.1.0)'],
    });
    expect(spdxForImage(alpineImage()).creationInfo.created).toBe('2023-11-14T22:13:20Z');
  });

  it('rejects a build date that is not whole non-negative seconds', () => {
    for (const created of [-1, 1.5, Number.NaN]) {
      const err = thrown(() => spdxForImage({ ...wolfiImage(), created }));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.code).toBe('ECONFIG');
      expect(err.message).toBe(`build date ${created} is not a whole number of seconds between 1970 and 9999`);
      expect(err.hint).toMatch(/SOURCE_DATE_EPOCH/);
    }
  });

  it.each([
    [{ imageDigest: 'sha256:abc' }, 'The image digest of aarch64 "sha256:abc" is not a sha256 digest.'],
    [
      { packages: [pkg('x', '1-r0', { checksum: 'md5:nope' })] },
      'Package x-1-r0 has checksum "md5:nope", which is not an APK checksum (Q1 + base64 of a sha1).',
    ],
    [{ packages: [pkg('x', '1-r0', { datahash: 'zz' })] }, 'Package x-1-r0 has datahash "zz", which is not a hex sha256.'],
    [{ packages: [pkg('x', '1-r0'), pkg('x', '2-r0')] }, 'Package x is listed twice in the SBOM input.'],
  ])('rejects malformed input %j with a FormatError', (change, message) => {
    const err = thrown(() => spdxForImage({ ...alpineImage(), ...change }));
    expect(err).toBeInstanceOf(FormatError);
    expect(err.code).toBe('EFORMAT');
    expect(err.message).toBe(message);
    expect(err.hint).toBeTruthy();
  });

  it('gives packages whose names sanitize alike distinct ids', () => {
    const doc = spdxForImage({ ...alpineImage(), vcsUrl: undefined, packages: [pkg('a:b', '1-r0'), pkg('a/b', '1-r0')] });
    const ids = doc.packages.filter((p) => p.name === 'a:b' || p.name === 'a/b').map((p) => p.SPDXID);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^SPDXRef-Package-a-b-1-r0-[0-9a-f]{12}$/);
  });
});

describe('the source package', () => {
  it('never carries credentials from the vcs-url', () => {
    const vcsUrl = 'https://x-access-token:s3cret@github.com/example/images@abc1234';
    const text = serializeSpdx(spdxForImage({ ...alpineImage(), vcsUrl }));
    expect(text).not.toContain('s3cret');
    expect(text).not.toContain('x-access-token');
    const doc = JSON.parse(text) as SpdxDocument;
    expect(doc.packages.find((p) => p.primaryPackagePurpose === 'SOURCE')).toMatchObject({
      name: 'github.com/example/images',
      versionInfo: 'abc1234',
      downloadLocation: 'git+https://github.com/example/images@abc1234',
    });
  });
});
