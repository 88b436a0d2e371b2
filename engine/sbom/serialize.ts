/**
 * The one JSON writer for SPDX documents: keys in a fixed order (below),
 * 2-space indent, a trailing newline. Same document value, same bytes, on
 * every host, whatever order the object's keys were assigned in.
 */
import type { SpdxDocument } from './spdx-model';

/**
 * One rank list for every object in a document. A key shared by several
 * object kinds (`SPDXID`, `name`, `comment`) has one place, which keeps the
 * order readable: identity first, then facts, then lists, then edges.
 */
const KEY_ORDER = [
  'SPDXID', 'licenseId', 'name', 'spdxVersion', 'versionInfo', 'creationInfo', 'created', 'creators', 'licenseListVersion',
  'dataLicense', 'documentNamespace', 'documentDescribes', 'filesAnalyzed', 'description', 'summary',
  'licenseConcluded', 'licenseDeclared', 'downloadLocation', 'homepage', 'originator', 'supplier',
  'copyrightText', 'sourceInfo', 'primaryPackagePurpose', 'checksums', 'algorithm', 'checksumValue',
  'externalRefs', 'referenceCategory', 'referenceType', 'referenceLocator', 'packages', 'relationships',
  'spdxElementId', 'relationshipType', 'relatedSpdxElement', 'hasExtractedLicensingInfos', 'extractedText',
  'comment',
];
const RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));

/** Unknown keys (none today) go after the known ones, in byte order, so output never depends on assignment order. */
function compareKeys(a: string, b: string): number {
  const ra = RANK.get(a) ?? KEY_ORDER.length;
  const rb = RANK.get(b) ?? KEY_ORDER.length;
  return ra - rb || Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function reorder(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src).sort(compareKeys)) out[k] = src[k];
  return out;
}

/** Compact JSON of any value with the same fixed key order; a content key for comparisons. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, reorder);
}

/** The document as JSON text: fixed key order, 2-space indent, trailing newline. */
export function serializeSpdx(doc: SpdxDocument): string {
  return `${JSON.stringify(doc, reorder, 2)}\n`;
}
