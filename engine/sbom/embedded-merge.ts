/**
 * Gives the packages imported from package SBOMs their final SPDXIDs and
 * re-points the imported relationships. Package SBOMs reuse ids freely
 * (every subpackage of one origin names the same upstream source
 * `SPDXRef-Package-<src>-<ver>`), so: an id whose packages are identical in
 * every document becomes one element; an id that names different content,
 * or that one of our own elements already has, is suffixed with a hash of
 * each variant's content. Nothing here depends on input order.
 */
import { OWNER } from './embedded';
import { packageContentKey } from './serialize';
import { assignIds, validSpdxId } from './spdx-id';
import type { SpdxPackage, SpdxRelationship } from './spdx-model';

/** One imported package SBOM, after license merging. */
export interface ImportedSbom {
  /** SPDXID of the APK that shipped it. */
  readonly owner: string;
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
  readonly tops: readonly string[];
}

/** Imported packages and edges in final ids. */
export interface MergedImports {
  readonly packages: readonly SpdxPackage[];
  readonly relationships: readonly SpdxRelationship[];
}

/** Merges imported SBOMs into the image document's id space; `image` CONTAINS each top package. */
export function mergeImports(imports: readonly ImportedSbom[], reserved: ReadonlySet<string>, image: string): MergedImports {
  const claims = imports.flatMap((s) =>
    s.packages.map((p) => ({ id: validSpdxId(p.SPDXID), key: packageContentKey(p) })),
  );
  const finals = assignIds(claims, reserved);
  const packages: SpdxPackage[] = [];
  const relationships: SpdxRelationship[] = [];
  let next = 0;
  for (const s of imports) {
    const idMap = new Map<string, string>([[OWNER, s.owner]]);
    for (const p of s.packages) {
      const id = finals[next++]!;
      idMap.set(p.SPDXID, id);
      packages.push({ ...p, SPDXID: id });
    }
    for (const r of s.relationships) {
      const [from, to] = [idMap.get(r.spdxElementId), idMap.get(r.relatedSpdxElement)];
      if (from !== undefined && to !== undefined) relationships.push({ ...r, spdxElementId: from, relatedSpdxElement: to });
    }
    for (const top of s.tops) {
      const id = idMap.get(top);
      if (id !== undefined) relationships.push({ spdxElementId: image, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    }
  }
  return { packages, relationships };
}
