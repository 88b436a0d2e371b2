/**
 * The one writer of SPDX 2.3 JSON, for image, index and package documents:
 * each SPDX object becomes a struct with its fields in a fixed order (below)
 * and goes through the project's Go-compatible encoder (engine/json.ts), so
 * strings are escaped as apko's `json.Encoder` escapes them (`&` in a purl
 * is `\u0026`; apko `pkg/sbom/generator/spdx/spdx.go`), with a 2-space
 * indent and a trailing newline. Same document value, same bytes, whatever
 * order its keys were assigned in.
 */
import { encodeJson, type JsonValue } from '../json';
import type { SpdxChecksum, SpdxDocument, SpdxExternalRef, SpdxExtractedLicense, SpdxPackage, SpdxRelationship } from './spdx-model';

/*
 * One order for every object kind: identity first, then facts, then lists,
 * then edges; `comment` last. A field that is undefined is left out, which
 * is how the model says "omitted".
 */
type Struct = { readonly [key: string]: JsonValue | undefined };

const checksumStruct = (c: SpdxChecksum): Struct => ({ algorithm: c.algorithm, checksumValue: c.checksumValue });

// apko's and melange's `ExternalRef` struct order (Category, Locator, Type), so a package's own SBOM keeps melange's bytes.
const externalRefStruct = (r: SpdxExternalRef): Struct => ({
  referenceCategory: r.referenceCategory,
  referenceLocator: r.referenceLocator,
  referenceType: r.referenceType,
  comment: r.comment,
});

function packageStruct(p: SpdxPackage): Struct {
  return {
    SPDXID: p.SPDXID,
    name: p.name,
    versionInfo: p.versionInfo,
    filesAnalyzed: p.filesAnalyzed,
    description: p.description,
    summary: p.summary,
    licenseConcluded: p.licenseConcluded,
    licenseDeclared: p.licenseDeclared,
    downloadLocation: p.downloadLocation,
    homepage: p.homepage,
    originator: p.originator,
    supplier: p.supplier,
    copyrightText: p.copyrightText,
    sourceInfo: p.sourceInfo,
    primaryPackagePurpose: p.primaryPackagePurpose,
    checksums: p.checksums?.map(checksumStruct),
    externalRefs: p.externalRefs?.map(externalRefStruct),
    comment: p.comment,
  };
}

const relationshipStruct = (r: SpdxRelationship): Struct => ({
  spdxElementId: r.spdxElementId,
  relationshipType: r.relationshipType,
  relatedSpdxElement: r.relatedSpdxElement,
});

const extractedStruct = (e: SpdxExtractedLicense): Struct => ({
  licenseId: e.licenseId,
  name: e.name,
  extractedText: e.extractedText,
  comment: e.comment,
});

function documentStruct(d: SpdxDocument): Struct {
  return {
    SPDXID: d.SPDXID,
    name: d.name,
    spdxVersion: d.spdxVersion,
    creationInfo: {
      created: d.creationInfo.created,
      creators: d.creationInfo.creators,
      licenseListVersion: d.creationInfo.licenseListVersion,
    },
    dataLicense: d.dataLicense,
    documentNamespace: d.documentNamespace,
    documentDescribes: d.documentDescribes,
    packages: d.packages.map(packageStruct),
    relationships: d.relationships.map(relationshipStruct),
    hasExtractedLicensingInfos: d.hasExtractedLicensingInfos?.map(extractedStruct),
  };
}

/** The document as JSON text: fixed field order, Go's escaping, 2-space indent, trailing newline. */
export function serializeSpdx(doc: SpdxDocument): string {
  return `${encodeJson(documentStruct(doc), { indent: '  ' })}\n`;
}

/** Compact JSON of a package without its SPDXID: what it says, for telling packages apart. */
export function packageContentKey(p: SpdxPackage): string {
  const { SPDXID: _id, ...content } = packageStruct(p);
  return encodeJson(content);
}
