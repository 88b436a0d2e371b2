/**
 * The subset of SPDX 2.3 (JSON) that apko-nx writes. Field names are the
 * JSON keys; serialize.ts fixes their order. Every optional field is left
 * out rather than written empty.
 */

/** A package checksum. */
export interface SpdxChecksum {
  readonly algorithm: string;
  /** Lowercase hex. */
  readonly checksumValue: string;
}

/** An external reference, e.g. a purl. */
export interface SpdxExternalRef {
  readonly referenceCategory: 'PACKAGE-MANAGER' | 'SECURITY' | 'PERSISTENT-ID' | 'OTHER';
  readonly referenceType: string;
  readonly referenceLocator: string;
  readonly comment?: string;
}

/** A package: the image, the operating system, an APK, or something a package SBOM names. */
export interface SpdxPackage {
  readonly SPDXID: string;
  readonly name: string;
  readonly versionInfo?: string;
  readonly filesAnalyzed: false;
  readonly description?: string;
  readonly summary?: string;
  readonly comment?: string;
  readonly licenseConcluded?: string;
  readonly licenseDeclared?: string;
  readonly downloadLocation: string;
  readonly homepage?: string;
  readonly originator?: string;
  readonly supplier?: string;
  readonly copyrightText?: string;
  readonly sourceInfo?: string;
  readonly primaryPackagePurpose?: string;
  readonly checksums?: readonly SpdxChecksum[];
  readonly externalRefs?: readonly SpdxExternalRef[];
}

/** A typed edge between two elements. */
export interface SpdxRelationship {
  readonly spdxElementId: string;
  readonly relationshipType: string;
  readonly relatedSpdxElement: string;
}

/** The definition of a `LicenseRef-…` used by some package. */
export interface SpdxExtractedLicense {
  readonly licenseId: string;
  readonly name?: string;
  readonly extractedText: string;
  readonly comment?: string;
}

/** An SPDX 2.3 document. */
export interface SpdxDocument {
  readonly SPDXID: 'SPDXRef-DOCUMENT';
  readonly name: string;
  readonly spdxVersion: 'SPDX-2.3';
  readonly creationInfo: { readonly created: string; readonly creators: readonly string[]; readonly licenseListVersion?: string };
  readonly dataLicense: 'CC0-1.0';
  readonly documentNamespace: string;
  readonly documentDescribes: readonly string[];
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
  readonly hasExtractedLicensingInfos?: readonly SpdxExtractedLicense[];
}

/** SPDX 2.3 `primaryPackagePurpose` values. */
export const PACKAGE_PURPOSES: ReadonlySet<string> = new Set([
  'APPLICATION', 'FRAMEWORK', 'LIBRARY', 'CONTAINER', 'OPERATING_SYSTEM', 'DEVICE',
  'FIRMWARE', 'SOURCE', 'ARCHIVE', 'FILE', 'INSTALL', 'OTHER',
]);

/** SPDX 2.3 checksum algorithms. */
export const CHECKSUM_ALGORITHMS: ReadonlySet<string> = new Set([
  'SHA1', 'SHA224', 'SHA256', 'SHA384', 'SHA512', 'SHA3-256', 'SHA3-384', 'SHA3-512',
  'BLAKE2b-256', 'BLAKE2b-384', 'BLAKE2b-512', 'BLAKE3', 'MD2', 'MD4', 'MD5', 'MD6', 'ADLER32',
]);

/** SPDX 2.3 relationship types. */
export const RELATIONSHIP_TYPES: ReadonlySet<string> = new Set([
  'DESCRIBES', 'DESCRIBED_BY', 'CONTAINS', 'CONTAINED_BY', 'DEPENDS_ON', 'DEPENDENCY_OF',
  'DEPENDENCY_MANIFEST_OF', 'BUILD_DEPENDENCY_OF', 'DEV_DEPENDENCY_OF', 'OPTIONAL_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF', 'TEST_DEPENDENCY_OF', 'RUNTIME_DEPENDENCY_OF', 'EXAMPLE_OF', 'GENERATES',
  'GENERATED_FROM', 'ANCESTOR_OF', 'DESCENDANT_OF', 'VARIANT_OF', 'DISTRIBUTION_ARTIFACT', 'PATCH_FOR',
  'PATCH_APPLIED', 'COPY_OF', 'FILE_ADDED', 'FILE_DELETED', 'FILE_MODIFIED', 'EXPANDED_FROM_ARCHIVE',
  'DYNAMIC_LINK', 'STATIC_LINK', 'DATA_FILE_OF', 'TEST_CASE_OF', 'BUILD_TOOL_OF', 'DEV_TOOL_OF', 'TEST_OF',
  'TEST_TOOL_OF', 'DOCUMENTATION_OF', 'OPTIONAL_COMPONENT_OF', 'METAFILE_OF', 'PACKAGE_OF', 'AMENDS',
  'PREREQUISITE_FOR', 'HAS_PREREQUISITE', 'REQUIREMENT_DESCRIPTION_FOR', 'SPECIFICATION_FOR', 'OTHER',
]);
