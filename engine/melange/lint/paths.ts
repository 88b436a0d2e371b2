/**
 * Path facts the linters share, spelled as melange's linters spell them
 * (melange pkg/linter/linters/common.go): Go's filepath.Ext and Dir, the
 * SBOM directory every linter that walks contents leaves alone, and the
 * finding that lists every path a predicate matched (melange's AllPaths).
 */
import type { Finding, LintEntry } from './types';

/** Go's filepath.Ext: from the last dot of the last element, or "". */
export function extOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot);
}

/** The last element of a path. */
export function baseOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Go's filepath.Dir for a relative path: "." for a top-level name. */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/** The generated SBOM's directory, which melange's content linters skip. */
export function isIgnoredPath(path: string): boolean {
  return path.startsWith('var/lib/db/sbom/');
}

/** "1 file", "2 files". */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A finding listing every entry `matches` accepts, or nothing when none does. */
export function allPaths(entries: readonly LintEntry[], matches: (e: LintEntry) => boolean, message: (paths: readonly string[]) => string): Finding | undefined {
  const paths = entries.filter(matches).map((e) => e.path);
  return paths.length === 0 ? undefined : { message: message(paths), items: paths };
}

/** A finding with one line per item, or nothing when there are none. */
export function itemized(items: readonly string[], message: (n: number) => string): Finding | undefined {
  return items.length === 0 ? undefined : { message: message(items.length), items };
}

/** One item per entry that `item` describes (directories skipped). */
export function describeEntries(entries: readonly LintEntry[], item: (e: LintEntry) => string | undefined): string[] {
  return entries.flatMap((e) => {
    if (e.type === 'dir') return [];
    const it = item(e);
    return it === undefined ? [] : [it];
  });
}
