/**
 * Why a world cannot be resolved, in apk-tools' words (`apk_solver_print_errors`):
 * one block per problem, headed by a name (`foo (no such package)`,
 * `/bin/sh (virtual)`) or a package (`busybox-1.35.0-r17`), followed by
 * labelled facts (`required by:`, `provided by:`, `breaks:`, `conflicts:`,
 * `satisfies:`, …). We add `chain:`, the path from the world to the
 * requirement, when the requirer is not the world itself.
 */
import { UnsatisfiableError } from '../errors';
import type { Candidate } from './candidates';

/** One reason a candidate was rejected: a label and what it refers to (`breaks`, `world[busybox<1.35]`). */
export interface Reason {
  readonly label: 'breaks' | 'conflicts' | 'masked in' | 'missing on' | 'pinned by' | 'malformed';
  readonly item: string;
  /** For a dependency that a package chosen earlier does not satisfy: that package, and the atom it breaks. */
  readonly blocker?: { readonly candidate: Candidate; readonly breaks: string };
}

/** One problem: what failed, the facts that explain it, and the kind that picks the hint. */
export interface Problem {
  readonly kind: 'missing' | 'virtual' | 'broken' | 'tag';
  readonly subject: string;
  readonly facts: ReadonlyArray<readonly [label: string, items: readonly string[]]>;
}

/** The note apk-tools 2.14 prints under a virtual name nobody picked. */
export const VIRTUAL_NOTE = "please select one of the 'provided by' packages explicitly";

/** Groups reasons by label, keeping the order labels first appear in and dropping repeated items. */
export function groupReasons(reasons: readonly Reason[]): Array<[string, string[]]> {
  const groups = new Map<string, string[]>();
  for (const r of reasons) {
    const items = groups.get(r.label) ?? [];
    if (!items.includes(r.item)) items.push(r.item);
    groups.set(r.label, items);
  }
  return [...groups];
}

/** `label: items; label: items`. */
function factsText(facts: Problem['facts']): string {
  return facts.map(([label, items]) => `${label}: ${items.join(' ')}`).join('; ');
}

/** `subject: label: items; label: items`, one line per problem (the `problems` of the error). */
export function problemLine(p: Problem): string {
  return `${p.subject}: ${factsText(p.facts)}`;
}

/** apk-tools' layout: the subject indented by two, each fact by four. */
export function problemBlock(p: Problem, indent = '  '): string {
  const lines = [`${indent}${p.subject}:`];
  for (const [label, items] of p.facts) lines.push(`${indent}  ${label}: ${items.join(' ')}`);
  return lines.join('\n');
}

const HINTS: Readonly<Record<Problem['kind'], string>> = {
  missing: 'check the spelling of the package name and that a repository providing it is configured for this architecture',
  virtual: "add one of the 'provided by' packages to the packages list",
  broken: 'relax the constraint that the package breaks, or add a repository that has a version satisfying it',
  tag: 'add a repository tagged with that name, or drop the @tag from the package',
};

/** The error for an unsatisfiable world; `rejected` becomes the cause, one entry per disqualified candidate. */
export function unsatisfiable(
  problems: readonly Problem[],
  rejected: ReadonlyMap<Candidate, readonly Reason[]>,
  arch?: string,
): UnsatisfiableError {
  const message = ['unable to select packages:', ...problems.map((p) => problemBlock(p))].join('\n');
  return new UnsatisfiableError(message, {
    problems: problems.map(problemLine),
    arch,
    hint: HINTS[problems[0]?.kind ?? 'broken'],
    cause: rejectionCause(rejected),
  });
}

/** An AggregateError with one `<pkg> disqualified: <label>: <items>` error per rejected candidate. */
export function rejectionCause(rejected: ReadonlyMap<Candidate, readonly Reason[]>): AggregateError | undefined {
  if (rejected.size === 0) return undefined;
  const lines = [...rejected]
    .sort(([a], [b]) => a.seq - b.seq)
    .map(([c, reasons]) => `${c.label} disqualified: ${factsText(groupReasons(reasons))}`);
  return new AggregateError(
    lines.map((l) => new Error(l)),
    `${rejected.size} candidate package${rejected.size === 1 ? ' was' : 's were'} disqualified`,
  );
}
