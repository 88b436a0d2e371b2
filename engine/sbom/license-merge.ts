/**
 * Merges `LicenseRef-` definitions from several scopes (our APK entries, and
 * each imported package SBOM) into one document-level list. Definitions with
 * the same id (compared case-insensitively, as SPDX matches ids) and the same
 * text become one; if texts differ, every variant is renamed to
 * `<id>-<hash of its text>` and the expressions of its scope are rewritten.
 * Definitions no package refers to any more are dropped. The result depends
 * only on the set of scopes, not their order.
 */
import { sha256Hex } from '../digest';
import { compareBytes } from '../order';
import { licenseRefsIn, renameLicenseRefs } from './license';
import type { SpdxExtractedLicense, SpdxPackage } from './spdx-model';

/** Packages and the definitions their license expressions refer to. */
export interface LicenseScope {
  readonly extracted: readonly SpdxExtractedLicense[];
  readonly packages: readonly SpdxPackage[];
}

/** The merged definitions, and each scope's packages with renamed references (same order as `scopes`). */
export interface MergedLicenses {
  readonly extracted: readonly SpdxExtractedLicense[];
  readonly packages: readonly (readonly SpdxPackage[])[];
}

/** Definitions of one id by id, text, name, comment (bytes), so the first is the same whatever order scopes come in. */
const byRank = (a: SpdxExtractedLicense, b: SpdxExtractedLicense): number =>
  compareBytes(a.licenseId, b.licenseId) ||
  compareBytes(a.extractedText, b.extractedText) ||
  compareBytes(a.name ?? '', b.name ?? '') ||
  compareBytes(a.comment ?? '', b.comment ?? '');

function rewrite(p: SpdxPackage, rename: (id: string) => string): SpdxPackage {
  return {
    ...p,
    ...(p.licenseDeclared === undefined ? {} : { licenseDeclared: renameLicenseRefs(p.licenseDeclared, rename) }),
    ...(p.licenseConcluded === undefined ? {} : { licenseConcluded: renameLicenseRefs(p.licenseConcluded, rename) }),
  };
}

/** Merges the scopes' definitions and renames conflicting ones. */
export function mergeLicenseScopes(scopes: readonly LicenseScope[]): MergedLicenses {
  const groups = new Map<string, SpdxExtractedLicense[]>();
  for (const s of scopes) {
    for (const d of s.extracted) {
      const key = d.licenseId.toLowerCase();
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [d]);
      else group.push(d);
    }
  }
  const finalId = new Map<SpdxExtractedLicense, string>();
  const chosen = new Map<string, SpdxExtractedLicense>();
  for (const defs of groups.values()) {
    const sorted = [...defs].sort(byRank);
    const texts = new Set(sorted.map((d) => d.extractedText));
    for (const d of sorted) {
      const id = texts.size === 1 ? sorted[0]!.licenseId : `${d.licenseId}-${sha256Hex(d.extractedText).slice(0, 12)}`;
      finalId.set(d, id);
      if (!chosen.has(id)) chosen.set(id, { ...d, licenseId: id });
    }
  }
  const packages = scopes.map((s) => {
    const renames = new Map<string, string>();
    for (const d of s.extracted) if (!renames.has(d.licenseId)) renames.set(d.licenseId, finalId.get(d)!);
    if ([...renames].every(([from, to]) => from === to)) return s.packages;
    return s.packages.map((p) => rewrite(p, (id) => renames.get(id) ?? id));
  });
  const used = new Set(
    packages.flat().flatMap((p) => [p.licenseDeclared, p.licenseConcluded].flatMap((l) => (l ? licenseRefsIn(l) : []))),
  );
  return { extracted: [...chosen.values()].filter((d) => used.has(d.licenseId)), packages };
}
