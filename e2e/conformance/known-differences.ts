/**
 * The differences from apko that the suite accepts, each with the rule that
 * recognises it. docs/apko-differences.md has one row per entry (by its id),
 * and a test keeps the two in step. Anything not matched here fails the suite;
 * an entry a case declares but does not show fails it too.
 */
import { compareBytes } from '../../engine/order';
import type { Difference } from './compare';

export interface KnownDifference {
  readonly id: string;
  /** Shown by every case (not declared per case). */
  readonly everyCase?: boolean;
  readonly matches: (d: Difference) => boolean;
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    // The gzip stream (and so the layer digest and size) depends on the compressor; the tar inside does not.
    id: 'compressed-layers',
    everyCase: true,
    matches: (d) => d.category === 'index' && /manifest layers\[\d+\]$/.test(d.where) && d.field === 'digest',
  },
  {
    id: 'layout-wrapper',
    everyCase: true,
    matches: (d) => d.where === 'index.json' && d.field === 'names the image index by tag' && d.apko === 'no',
  },
  {
    id: 'package-owner',
    matches: (d) => d.category === 'layers' && ((['uid', 'gid'].includes(d.field) && d.apko === '0') || (['uname', 'gname'].includes(d.field) && d.apko === 'root')),
  },
  {
    id: 'path-permissions-default',
    matches: (d) => d.category === 'layers' && d.field === 'mode' && d.apko === '0',
  },
  {
    id: 'origin-walk-stack-dirs',
    matches: (d) => d.category === 'layers' && d.layerRole === 'package' && d.entryType === 'dir' && d.field === 'present' && d.apko === 'yes',
  },
  {
    // Shown by worlds of e2e/conformance/show-packages.test.ts on the real Alpine indexes, not by the built cases.
    id: 'install-if-across-world',
    matches: () => false,
  },
];

/** What a case's differences come to: the known ids it showed and everything unexplained. */
export function classify(diffs: readonly Difference[]): { known: string[]; unexpected: Difference[] } {
  const known = new Set<string>();
  const unexpected: Difference[] = [];
  const explainedScopes = new Map<string, boolean>();
  for (const d of diffs) {
    if (d.derivedIn) continue;
    const k = KNOWN_DIFFERENCES.find((x) => x.matches(d));
    if (k) known.add(k.id);
    else unexpected.push(d);
    if (d.scope) explainedScopes.set(d.scope, (explainedScopes.get(d.scope) ?? true) && k !== undefined);
  }
  // A derived difference (a diff_id) is explained when its scope holds other differences and all of them are known.
  for (const d of diffs) if (d.derivedIn && explainedScopes.get(d.derivedIn) !== true) unexpected.push(d);
  return { known: [...known].sort(compareBytes), unexpected };
}

/** The known ids a case must show: the every-case ones plus those it declares. */
export function expectedKnown(declared: readonly string[]): string[] {
  return [...new Set([...KNOWN_DIFFERENCES.filter((k) => k.everyCase).map((k) => k.id), ...declared])].sort(compareBytes);
}
