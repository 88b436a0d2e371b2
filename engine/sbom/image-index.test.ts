import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../digest';
import { FormatError } from '../errors';
import { spdxForImage } from './image';
import { spdxForIndex } from './image-index';
import { serializeSpdx } from './serialize';
import { alpineImage, wolfiImage } from './testdata/inputs';
import type { IndexSbomInput } from './types';

const amd64 = `sha256:${sha256Hex('wolfi manifest')}`;
const arm64 = `sha256:${sha256Hex('alpine manifest')}`;
const indexDigest = `sha256:${sha256Hex('index')}`;

function input(): IndexSbomInput {
  return {
    indexDigest,
    imageRef: 'cgr.dev/chainguard/hello:latest',
    created: 0,
    toolVersion: '0.1.0',
    images: [
      { arch: 'x86_64', ociArch: 'amd64', digest: amd64 },
      { arch: 'aarch64', ociArch: 'arm64', digest: arm64 },
    ],
  };
}

describe('spdxForIndex', () => {
  it('describes the index, with each image a VARIANT_OF it', () => {
    const doc = spdxForIndex(input());
    const index = `SPDXRef-ImageIndex-sha256-${indexDigest.slice(7)}`;
    expect(doc.documentDescribes).toEqual([index]);
    expect(doc.packages.map((p) => p.SPDXID)).toEqual([
      `SPDXRef-Image-sha256-${amd64.slice(7)}`,
      `SPDXRef-Image-sha256-${arm64.slice(7)}`,
      index,
    ].sort());
    expect(doc.relationships.map((r) => [r.spdxElementId, r.relationshipType, r.relatedSpdxElement])).toEqual(
      [
        ['SPDXRef-DOCUMENT', 'DESCRIBES', index],
        [`SPDXRef-Image-sha256-${amd64.slice(7)}`, 'VARIANT_OF', index],
        [`SPDXRef-Image-sha256-${arm64.slice(7)}`, 'VARIANT_OF', index],
      ].sort((a, b) => (a.join() < b.join() ? -1 : 1)),
    );
    const indexPkg = doc.packages.find((p) => p.SPDXID === index)!;
    expect(indexPkg).toMatchObject({
      name: 'hello',
      versionInfo: indexDigest,
      primaryPackagePurpose: 'CONTAINER',
      checksums: [{ algorithm: 'SHA256', checksumValue: indexDigest.slice(7) }],
    });
    expect(indexPkg.externalRefs![0]!.referenceLocator).toBe(
      `pkg:oci/hello@sha256%3A${indexDigest.slice(7)}?mediaType=application%2Fvnd.oci.image.index.v1%2Bjson` +
        '&repository_url=cgr.dev%2Fchainguard%2Fhello&tag=latest',
    );
  });

  it('uses the same package for an image as that image’s own SBOM', () => {
    const index = spdxForIndex({ ...input(), imageRef: undefined });
    const own = spdxForImage({ ...alpineImage() });
    const id = own.documentDescribes[0]!;
    expect(index.packages.find((p) => p.SPDXID === id)).toEqual(own.packages.find((p) => p.SPDXID === id));
    const wolfi = spdxForImage(wolfiImage());
    expect(spdxForIndex(input()).packages).toContainEqual(wolfi.packages.find((p) => p.SPDXID === wolfi.documentDescribes[0]));
  });

  it('writes the same bytes whatever the image order', () => {
    const reversed = { ...input(), images: [...input().images].reverse() };
    expect(serializeSpdx(spdxForIndex(reversed))).toBe(serializeSpdx(spdxForIndex(input())));
    expect(spdxForIndex(input()).documentNamespace).toMatch(/^https:\/\/spdx\.org\/spdxdocs\/apko-nx\/index-[0-9a-f]{64}$/);
  });

  it('rejects an architecture given twice and a malformed index digest', () => {
    const twice = { ...input(), images: [...input().images, input().images[0]!] };
    expect(() => spdxForIndex(twice)).toThrow(FormatError);
    expect(() => spdxForIndex(twice)).toThrow('Architecture x86_64 appears twice in the index SBOM input.');
    expect(() => spdxForIndex({ ...input(), indexDigest: 'nope' })).toThrow('The index digest "nope" is not a sha256 digest.');
  });
});
