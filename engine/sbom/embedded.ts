/**
 * Reads the SBOM a package ships (melange writes
 * `var/lib/db/sbom/<name>-<version>.spdx.json`, melange `pkg/sbom`). As apko
 * does (`pkg/sbom/generator/spdx/spdx.go`), we take the packages the document describes and everything linked
 * to them by package-to-package relationships (files are not imported),
 * force `filesAnalyzed: false`, drop verification codes and keep the license
 * definitions. One difference: the described package that *is* this APK is
 * not copied; it is the APK's own entry (which also has the checksums and the
 * distro purl), and the embedded relationships are re-pointed at it.
 * Fields are copied only when they have the type SPDX 2.3 wants, so the
 * merged document stays schema-valid whatever the package carried.
 */
import { FormatError } from '../errors';
import { compareBytes } from '../order';
import { normalizeLicense } from './license';
import {
  CHECKSUM_ALGORITHMS,
  PACKAGE_PURPOSES,
  RELATIONSHIP_TYPES,
  type SpdxChecksum,
  type SpdxExtractedLicense,
  type SpdxExternalRef,
  type SpdxPackage,
  type SpdxRelationship,
} from './spdx-model';

/** Stands for the shipping APK's own package in `EmbeddedSbom.relationships`. */
export const OWNER = '\u0000owner';

/** What one package SBOM contributes, in the embedded document's own (possibly invalid) ids. */
export interface EmbeddedSbom {
  /** Imported packages; their SPDXIDs are still the embedded document's, made unique and valid by the merge. */
  readonly packages: readonly SpdxPackage[];
  /** Described packages other than the APK itself: the image CONTAINS them. */
  readonly tops: readonly string[];
  /** Edges among imported packages and OWNER. */
  readonly relationships: readonly SpdxRelationship[];
  readonly extracted: readonly SpdxExtractedLicense[];
  /** Fields of the APK's embedded entry that the APK's own entry lacks. */
  readonly fill: { readonly copyrightText?: string; readonly originator?: string };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? (o[k] as string) : undefined);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

function checksumsOf(raw: Json): SpdxChecksum[] {
  return objects(raw.checksums)
    .filter((c) => CHECKSUM_ALGORITHMS.has(String(c.algorithm)) && typeof c.checksumValue === 'string')
    .map((c) => ({ algorithm: c.algorithm as string, checksumValue: (c.checksumValue as string).toLowerCase() }));
}

function externalRefsOf(raw: Json): SpdxExternalRef[] {
  const out: SpdxExternalRef[] = [];
  for (const r of objects(raw.externalRefs)) {
    // Older melange wrote PACKAGE_MANAGER; SPDX 2.3 JSON spells it PACKAGE-MANAGER.
    const category = String(r.referenceCategory).toUpperCase().replace(/_/g, '-');
    const [type, locator] = [str(r, 'referenceType'), str(r, 'referenceLocator')];
    if (!['PACKAGE-MANAGER', 'SECURITY', 'PERSISTENT-ID', 'OTHER'].includes(category) || !type || !locator) continue;
    out.push({ referenceCategory: category as SpdxExternalRef['referenceCategory'], referenceType: type, referenceLocator: locator });
  }
  return out;
}

/** A schema-valid copy of an embedded package under `id`, and the definitions its normalized licenses need. */
function importPackage(raw: Json, id: string): { pkg: SpdxPackage; extracted: readonly SpdxExtractedLicense[] } {
  const extracted: SpdxExtractedLicense[] = [];
  const license = (k: string): Record<string, string> => {
    const v = str(raw, k);
    if (v === undefined) return {};
    const n = normalizeLicense(v);
    extracted.push(...n.extracted);
    return { [k]: n.expression };
  };
  const copy = (...keys: string[]): Record<string, string> =>
    Object.fromEntries(keys.flatMap((k) => (str(raw, k) === undefined ? [] : [[k, str(raw, k)!]])));
  const purpose = str(raw, 'primaryPackagePurpose')?.toUpperCase().replace(/-/g, '_');
  const checksums = checksumsOf(raw);
  const externalRefs = externalRefsOf(raw);
  const pkg: SpdxPackage = {
    SPDXID: id,
    name: str(raw, 'name') ?? id,
    ...copy('versionInfo', 'description', 'summary', 'comment', 'homepage', 'originator', 'supplier', 'copyrightText', 'sourceInfo'),
    filesAnalyzed: false,
    ...license('licenseDeclared'),
    ...license('licenseConcluded'),
    downloadLocation: str(raw, 'downloadLocation') ?? 'NOASSERTION',
    ...(purpose !== undefined && PACKAGE_PURPOSES.has(purpose) ? { primaryPackagePurpose: purpose } : {}),
    ...(checksums.length > 0 ? { checksums } : {}),
    ...(externalRefs.length > 0 ? { externalRefs } : {}),
  };
  return { pkg, extracted };
}

/** The APK an embedded SBOM came with. */
export interface EmbeddedOwner {
  readonly name: string;
  readonly version: string;
}

/** Reads one package SBOM; a document that is not SPDX 2.x JSON is a FormatError naming the package. */
export function readEmbeddedSbom(json: unknown, owner: EmbeddedOwner): EmbeddedSbom {
  const label = `${owner.name}-${owner.version}`;
  if (!isObject(json) || !/^SPDX-2\./.test(String(json.spdxVersion))) {
    throw new FormatError(`The SBOM var/lib/db/sbom/${label}.spdx.json in package ${label} is not an SPDX 2.x JSON document.`, {
      hint: 'rebuild the package with a current melange, or drop the file from the package',
    });
  }
  const raw = new Map<string, Json>();
  for (const p of objects(json.packages)) if (typeof p.SPDXID === 'string' && !raw.has(p.SPDXID)) raw.set(p.SPDXID, p);
  const docId = str(json, 'SPDXID') ?? 'SPDXRef-DOCUMENT';
  const edges = objects(json.relationships).flatMap((r) => {
    const [from, type, to] = [str(r, 'spdxElementId'), str(r, 'relationshipType'), str(r, 'relatedSpdxElement')];
    return from && type && to ? [{ from, type, to }] : [];
  });

  const described = new Set<string>(Array.isArray(json.documentDescribes) ? json.documentDescribes.filter((d) => typeof d === 'string') : []);
  for (const e of edges) {
    if (e.from === docId && e.type === 'DESCRIBES') described.add(e.to);
    if (e.to === docId && e.type === 'DESCRIBED_BY') described.add(e.from);
  }
  const roots = [...described].filter((id) => raw.has(id)).sort(compareBytes);
  if (roots.length === 0 && raw.size > 0) roots.push(...[...raw.keys()].filter((id) => raw.get(id)!.name === owner.name));
  // The APK itself: the described package with its name, preferring its exact version.
  const self = roots.filter((id) => raw.get(id)!.name === owner.name);
  const selfId = self.find((id) => raw.get(id)!.versionInfo === owner.version) ?? self[0];

  // Everything linked to a root through package-to-package edges, either direction.
  const links = new Map<string, string[]>();
  for (const e of edges) {
    if (!raw.has(e.from) || !raw.has(e.to)) continue;
    for (const [a, b] of [[e.from, e.to], [e.to, e.from]] as const) {
      const list = links.get(a);
      if (list === undefined) links.set(a, [b]);
      else list.push(b);
    }
  }
  const reached = new Set(roots);
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    for (const next of links.get(queue[i]!) ?? []) {
      if (reached.has(next)) continue;
      reached.add(next);
      queue.push(next);
    }
  }

  const idOf = (id: string): string => (id === selfId ? OWNER : id);
  const packages: SpdxPackage[] = [];
  const extracted: SpdxExtractedLicense[] = [];
  for (const id of [...reached].sort(compareBytes)) {
    if (id === selfId) continue;
    const imported = importPackage(raw.get(id)!, idOf(id));
    packages.push(imported.pkg);
    extracted.push(...imported.extracted);
  }
  for (const l of objects(json.hasExtractedLicensingInfos)) {
    const [licenseId, extractedText] = [str(l, 'licenseId'), typeof l.extractedText === 'string' ? l.extractedText : undefined];
    if (licenseId === undefined || extractedText === undefined || !/^LicenseRef-[A-Za-z0-9.-]+$/.test(licenseId)) continue;
    const [name, comment] = [str(l, 'name'), str(l, 'comment')];
    extracted.push({ licenseId, extractedText, ...(name ? { name } : {}), ...(comment ? { comment } : {}) });
  }
  const relationships = edges
    .filter((e) => reached.has(e.from) && reached.has(e.to) && RELATIONSHIP_TYPES.has(e.type))
    .map((e) => ({ spdxElementId: idOf(e.from), relationshipType: e.type, relatedSpdxElement: idOf(e.to) }));
  const selfRaw = selfId === undefined ? undefined : raw.get(selfId)!;
  const copyrightText = selfRaw && str(selfRaw, 'copyrightText')?.trim();
  const originator = selfRaw && str(selfRaw, 'originator');
  return {
    packages,
    tops: roots.filter((id) => id !== selfId).map(idOf),
    relationships,
    extracted,
    fill: { ...(copyrightText ? { copyrightText } : {}), ...(originator ? { originator } : {}) },
  };
}
