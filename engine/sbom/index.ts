/**
 * SBOMs behind one seam (`SbomFormat`), SPDX 2.3 JSON first. Input:
 * installed packages, os-release and image digests (or a package's facts),
 * as plain values. Output: one document per architecture and one for the
 * index, per format, plus the document a package embeds. Invariants: SPDX
 * documents validate against the SPDX 2.3 schema, and the same input gives
 * the same bytes (no clock, no randomness, every list sorted), whatever
 * order the packages arrive in.
 */
export type { SbomDocument, SbomFormat } from './format';
export { sbomFormat, sbomFormatsNamed, sbomFormatNames, registerSbomFormat, clearRegisteredSbomFormats } from './format-registry';
export { SpdxFormat, SPDX_ARTIFACT_TYPE, imageSbomFileName, INDEX_SBOM_FILE_NAME, packageSbomFileName } from './spdx-format';
export { spdxForImage } from './image';
export { spdxForIndex } from './image-index';
export { spdxForPackage, fnv128a } from './package-document';
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
export type {
  ImageSbomInput,
  IndexSbomInput,
  IndexImageInput,
  SbomPackageInput,
  PackageSbomInput,
  PackageCopyright,
  OsRelease,
} from './types';
