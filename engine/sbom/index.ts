/**
 * SBOMs in SPDX 2.3 JSON. Input: installed packages, os-release and image
 * digests, as plain values. Output: one document per architecture and one
 * for the index. Invariants: every document validates against the SPDX 2.3
 * schema, and the same input gives the same bytes (no clock, no randomness,
 * every list sorted), whatever order the packages arrive in.
 */
export { spdxForImage } from './image';
export { spdxForIndex } from './image-index';
export { serializeSpdx } from './serialize';
export { parseOsRelease } from './os-release';
export { normalizeLicense, licenseRefFor, type NormalizedLicense } from './license';
export { apkPurl, ociPurl, parseImageRef, type ApkPurlInput, type OciPurlInput, type ImageRefParts } from './purl';
export { sanitizeIdPart, spdxId } from './spdx-id';
export type {
  SpdxDocument,
  SpdxPackage,
  SpdxRelationship,
  SpdxChecksum,
  SpdxExternalRef,
  SpdxExtractedLicense,
} from './spdx-model';
export type { ImageSbomInput, IndexSbomInput, IndexImageInput, SbomPackageInput, OsRelease } from './types';

/** File name of an architecture's SBOM, as apko names it. */
export const imageSbomFileName = (arch: string): string => `sbom-${arch}.spdx.json`;
/** File name of the index SBOM. */
export const INDEX_SBOM_FILE_NAME = 'sbom-index.spdx.json';
