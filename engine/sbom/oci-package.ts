/**
 * The OCI artifacts as SPDX packages: a per-architecture image and the
 * multi-architecture index. An image has the same SPDXID in its own SBOM
 * and in the index SBOM, so the documents can be joined.
 */
import { parseDigest, type Digest } from '../digest';
import { FormatError } from '../errors';
import { ociPurl, parseImageRef } from './purl';
import type { SpdxPackage } from './spdx-model';

/** OCI image manifest media type. */
export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
/** OCI image index media type. */
export const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';

/** Parses a digest given to the SBOM stage, naming what it belongs to when malformed. */
export function digestOf(value: string, what: string): Digest {
  try {
    return parseDigest(value);
  } catch (cause) {
    throw new FormatError(`The ${what} "${value}" is not a sha256 digest.`, {
      cause,
      hint: 'pass the manifest or index digest as sha256:<64 hex digits>',
    });
  }
}

const hexOf = (d: Digest): string => d.slice('sha256:'.length);

/** SPDXID of the image with manifest digest `d`. */
export const imageSpdxId = (d: Digest): string => `SPDXRef-Image-sha256-${hexOf(d)}`;
/** SPDXID of the index with digest `d`. */
export const indexSpdxId = (d: Digest): string => `SPDXRef-ImageIndex-sha256-${hexOf(d)}`;

/** What identifies one architecture's image. */
export interface ImagePackageInput {
  readonly digest: Digest;
  readonly ociArch: string;
  readonly imageRef?: string;
}

/** The SPDX package of one architecture's image. */
export function imageSpdxPackage(i: ImagePackageInput): SpdxPackage {
  const ref = parseImageRef(i.imageRef);
  return {
    SPDXID: imageSpdxId(i.digest),
    name: ref.name,
    versionInfo: i.digest,
    filesAnalyzed: false,
    description: `OCI image for linux/${i.ociArch}`,
    downloadLocation: 'NOASSERTION',
    primaryPackagePurpose: 'CONTAINER',
    checksums: [{ algorithm: 'SHA256', checksumValue: hexOf(i.digest) }],
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: ociPurl({ ...ref, digest: i.digest, arch: i.ociArch, os: 'linux', mediaType: MANIFEST_MEDIA_TYPE }),
      },
    ],
  };
}

/** The SPDX package of a multi-architecture index. */
export function indexSpdxPackage(digest: Digest, imageRef: string | undefined): SpdxPackage {
  const ref = parseImageRef(imageRef);
  return {
    SPDXID: indexSpdxId(digest),
    name: ref.name,
    versionInfo: digest,
    filesAnalyzed: false,
    description: 'Multi-architecture OCI image index',
    downloadLocation: 'NOASSERTION',
    primaryPackagePurpose: 'CONTAINER',
    checksums: [{ algorithm: 'SHA256', checksumValue: hexOf(digest) }],
    externalRefs: [
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: ociPurl({ ...ref, digest, mediaType: INDEX_MEDIA_TYPE }),
      },
    ],
  };
}
