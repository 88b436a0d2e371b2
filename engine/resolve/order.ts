/**
 * Install order, as apk-tools builds its changeset (`generate_changeset`):
 * walk the world sorted by name; for each atom, install what provides it after
 * first installing that package's dependencies in `depend` order (depth
 * first); right after a package, add the install_if packages it completes.
 * A dependency cycle is broken where the walk re-enters it.
 */
import type { Dependency } from '../apk/dependency';
import { namesOf, type Candidate, type Provider } from './candidates';
import { compareBytes } from '../order';

/** What the walk needs from a finished pass. */
export interface OrderInput {
  readonly world: readonly Dependency[];
  readonly chosen: ReadonlyMap<string, Provider>;
  readonly selected: readonly Candidate[];
  /** Packages with an install_if atom on a name. */
  installIfUsers(name: string): readonly Candidate[];
}


/** The chosen packages, dependencies before dependents. */
export function installOrder(input: OrderInput): Candidate[] {
  const selected = new Set(input.selected);
  const started = new Set<Candidate>();
  const touched = new Set<string>();
  const out: Candidate[] = [];

  const visitName = (name: string): void => {
    touched.add(name);
    const p = input.chosen.get(name);
    if (p !== undefined) visit(p.candidate);
  };
  const visit = (c: Candidate): void => {
    if (started.has(c)) return;
    started.add(c);
    const names = namesOf(c).map((q) => q.name);
    for (const n of names) touched.add(n);
    for (const d of c.depends) if (!d.conflict) visitName(d.name);
    out.push(c);
    for (const n of names) {
      const users = input.installIfUsers(n).filter((u) => selected.has(u) && !started.has(u));
      for (const u of [...users].sort((a, b) => compareBytes(a.entry.name, b.entry.name))) {
        if (u.installIf.every((a) => a.conflict || touched.has(a.name))) visit(u);
      }
    }
  };

  const world = [...input.world].sort((a, b) => compareBytes(a.name, b.name));
  for (const d of world) if (!d.conflict) visitName(d.name);
  // Anything not reached from the world (cannot happen for a consistent pass) still gets a fixed place.
  const rest = input.selected.filter((c) => !started.has(c)).sort((a, b) => compareBytes(a.label, b.label));
  for (const c of rest) visit(c);
  return out;
}
