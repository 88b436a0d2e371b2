/**
 * Assembles the parts of an SBOM into a document and makes it canonical:
 * every list sorted (packages by SPDXID, relationships by their three ids,
 * licenses by id), duplicates dropped, `created` from SOURCE_DATE_EPOCH, and
 * a `documentNamespace` that is a hash of the rest of the document — unique
 * per content, identical across rebuilds, never random.
 */
import { sha256Hex } from '../digest';
import { compareBytes } from '../order';
import { serializeSpdx } from './serialize';
import type { SpdxDocument, SpdxExtractedLicense, SpdxPackage, SpdxRelationship } from './spdx-model';
import { rfc3339 } from '../time';

/** What a document is made of, in any order. */
export interface DocumentParts {
  readonly name: string;
  /** Readable part of the namespace, e.g. `image-x86_64` or `index`. */
  readonly namespaceLabel: string;
  /** SPDXID of the element the document describes. */
  readonly describes: string;
  /** SOURCE_DATE_EPOCH, seconds. */
  readonly created: number;
  readonly toolVersion: string;
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
  readonly extracted: readonly SpdxExtractedLicense[];
}

/** Where our namespaces live; the last segment is content-derived. */
export const NAMESPACE_BASE = 'https://spdx.org/spdxdocs/apko-nx/';

function canonicalPackage(p: SpdxPackage): SpdxPackage {
  return {
    ...p,
    ...(p.checksums ? { checksums: [...p.checksums].sort((a, b) => compareBytes(a.algorithm, b.algorithm)) } : {}),
    ...(p.externalRefs
      ? {
          externalRefs: [...p.externalRefs].sort(
            (a, b) =>
              compareBytes(a.referenceCategory, b.referenceCategory) ||
              compareBytes(a.referenceType, b.referenceType) ||
              compareBytes(a.referenceLocator, b.referenceLocator),
          ),
        }
      : {}),
  };
}

function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}

/** The canonical document for `parts`. */
export function assembleDocument(parts: DocumentParts): SpdxDocument {
  const relKey = (r: SpdxRelationship): string => `${r.spdxElementId}\0${r.relationshipType}\0${r.relatedSpdxElement}`;
  const byIds = (a: SpdxRelationship, b: SpdxRelationship): number =>
    compareBytes(a.spdxElementId, b.spdxElementId) ||
    compareBytes(a.relationshipType, b.relationshipType) ||
    compareBytes(a.relatedSpdxElement, b.relatedSpdxElement);
  const packages = uniqueBy(parts.packages, (p) => p.SPDXID)
    .map(canonicalPackage)
    .sort((a, b) => compareBytes(a.SPDXID, b.SPDXID));
  const describes: SpdxRelationship = {
    spdxElementId: 'SPDXRef-DOCUMENT',
    relationshipType: 'DESCRIBES',
    relatedSpdxElement: parts.describes,
  };
  const relationships = uniqueBy([describes, ...parts.relationships], relKey).sort(byIds);
  const extracted = uniqueBy(parts.extracted, (e) => e.licenseId).sort((a, b) => compareBytes(a.licenseId, b.licenseId));
  const doc: SpdxDocument = {
    SPDXID: 'SPDXRef-DOCUMENT',
    name: parts.name,
    spdxVersion: 'SPDX-2.3',
    creationInfo: { created: rfc3339(parts.created), creators: [`Tool: apko-nx (${parts.toolVersion})`] },
    dataLicense: 'CC0-1.0',
    documentNamespace: '',
    documentDescribes: [parts.describes],
    packages,
    relationships,
    ...(extracted.length > 0 ? { hasExtractedLicensingInfos: extracted } : {}),
  };
  const digest = sha256Hex(serializeSpdx(doc));
  return { ...doc, documentNamespace: `${NAMESPACE_BASE}${parts.namespaceLabel}-${digest}` };
}
