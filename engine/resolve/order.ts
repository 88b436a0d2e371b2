/**
 * Install order, as apko lays it out (`GetPackagesWithDependencies` and
 * `getPackageDependencies` in apko's `pkg/apk/apk/repo.go`), so that the
 * installed database, the SBOM and `show-packages` list packages as apko's
 * do. The world is walked in byte order of its atoms (apko reads them back
 * from the sorted world file); below each package its dependencies are taken
 * one at a time, the atom with the fewest candidates first (ties: the atom's
 * text in byte order), each one's own dependencies before it (depth first),
 * and every package is placed once, where it first appears.
 *
 * The walk places the packages the solver chose; it does not choose. What it
 * reproduces of apko's bookkeeping is what decides the order: the candidate
 * counts (after apko's disqualifications of versions the constraints rule
 * out and of providers that conflict with a placed package), the names
 * already picked (whose atoms are skipped), and the parent chain that breaks
 * dependency cycles.
 */
import { parseDependency, type Dependency } from '../apk/dependency';
import { satisfies } from '../apk/version';
import { namesOf, type Candidate, type CandidateIndex, type Provider } from './candidates';
import { compareBytes } from '../order';

/** What the walk needs from a finished pass. */
export interface OrderInput {
  readonly world: readonly Dependency[];
  readonly chosen: ReadonlyMap<string, Provider>;
  readonly selected: readonly Candidate[];
  readonly index: CandidateIndex;
  /** Candidates the resolver ruled out before choosing (apko's cross-arch disqualifications among them). */
  readonly excluded: (c: Candidate) => boolean;
}

const atomCache = new Map<string, Dependency | undefined>();

function atom(raw: string): Dependency | undefined {
  if (!atomCache.has(raw)) {
    let d: Dependency | undefined;
    try {
      d = parseDependency(raw);
    } catch {
      d = undefined;
    }
    atomCache.set(raw, d);
  }
  return atomCache.get(raw);
}

/** apko's version filter: the package's own version, else any versioned provide, meets the constraint. */
function meets(c: Candidate, d: Dependency): boolean {
  if (d.op === undefined || d.version === undefined) return true;
  if (satisfies(c.entry.version, d.op, d.version)) return true;
  return c.provides.some((p) => p.version !== undefined && satisfies(p.version, d.op!, d.version!));
}

class Walk {
  /** apko's `selected`: packages picked as parents, by name and by versioned provide. */
  private readonly picked = new Map<string, Candidate>();
  private readonly dq = new Set<Candidate>();
  /** Candidates whose copies in other repositories apko has disqualified (see CandidateIndex.copies). */
  private readonly dqCopies = new Set<Candidate>();

  constructor(private readonly input: OrderInput) {
    for (const c of input.index.all) if (input.excluded(c)) this.dq.add(c);
  }

  /** Rules out what a list of atoms excludes (apko's `constrain`): providers of `!x`, versions a versioned atom does not allow. */
  constrain(atoms: readonly Dependency[]): void {
    for (const d of atoms) {
      const providers = this.input.index.providersOf(d.name);
      if (d.conflict) {
        for (const p of providers) if (meets(p.candidate, d)) this.dq.add(p.candidate);
        continue;
      }
      if (d.op === undefined || d.version === undefined) continue;
      for (const p of providers) {
        const c = p.candidate;
        if (c.entry.name === d.name) {
          if (!satisfies(c.entry.version, d.op, d.version)) this.dq.add(c);
        } else if (p.version !== undefined && !satisfies(p.version, d.op, d.version)) {
          this.dq.add(c);
        }
      }
    }
  }

  /** Rules out other providers of the names a placed package gives (apko's `disqualifyConflicts`). */
  placed(c: Candidate): void {
    for (const prov of c.provides) {
      for (const other of this.input.index.providersOf(prov.name)) {
        const o = other.candidate;
        // A copy of the placed package is another package to apko, and conflicts with it over a versioned provide.
        if (o === c) {
          if (prov.version !== undefined) this.dqCopies.add(c);
          continue;
        }
        // A virtual provide conflicts only with a different version of the same name.
        if (prov.version === undefined && (o.entry.name === prov.name ? o.entry.version === undefined : other.version === prov.version)) continue;
        this.dq.add(o);
      }
    }
  }

  private pick(c: Candidate): void {
    if (this.picked.has(c.entry.name)) return;
    this.picked.set(c.entry.name, c);
    for (const p of c.provides) if (p.version !== undefined && !this.picked.has(p.name)) this.picked.set(p.name, c);
  }

  private count(d: Dependency, allowTag: string | undefined): number {
    let n = 0;
    for (const p of this.input.index.providersOf(d.name)) {
      const c = p.candidate;
      if (this.dq.has(c) || (c.repo.tag !== undefined && c.repo.tag !== allowTag) || !meets(c, d)) continue;
      n += 1 + (this.dqCopies.has(c) ? 0 : (this.input.index.copies.get(c) ?? 0));
    }
    return n;
  }

  /** True when the atom needs nothing more: the package answers it itself, or a picked package already does. */
  private answered(c: Candidate, d: Dependency, own: ReadonlySet<string>): boolean {
    if (own.has(d.name) || own.has(d.raw)) return true;
    if (c.entry.name === d.name && (d.op === undefined || satisfies(c.entry.version, d.op, d.version!))) return true;
    const picked = this.picked.get(d.name);
    if (picked === undefined) return false;
    if (d.op === undefined || d.version === undefined) return true;
    if (picked.provides.some((p) => p.name === d.name && p.version !== undefined && satisfies(p.version, d.op!, d.version!))) return true;
    return satisfies(picked.entry.version, d.op, d.version);
  }

  /** The dependencies of `c`, deepest first, each followed by nothing it needs that is not already before it. */
  dependencies(c: Candidate, parents: ReadonlySet<string>, allowTag: string | undefined): Candidate[] {
    if (parents.has(c.entry.name)) return [];
    const own = new Set<string>();
    for (const raw of c.entry.provides) own.add(raw);
    for (const p of c.provides) own.add(p.name);
    this.constrain(c.depends);
    const out: Candidate[] = [];
    let pending = [...c.entry.depends];
    while (pending.length > 0) {
      const options = new Map<string, number>();
      for (const raw of pending) {
        const d = atom(raw);
        if (d === undefined || d.conflict || this.answered(c, d, own)) continue;
        options.set(raw, this.count(d, allowTag));
      }
      if (options.size === 0) break;
      let lowest: string | undefined;
      for (const [raw, n] of options) {
        const best = lowest === undefined ? undefined : options.get(lowest)!;
        if (best === undefined || n < best || (n === best && compareBytes(raw, lowest!) < 0)) lowest = raw;
      }
      pending = [...options.keys()].filter((raw) => raw !== lowest);
      const dep = this.input.chosen.get(atom(lowest!)!.name)?.candidate;
      if (dep === undefined) continue;
      this.placed(dep);
      this.pick(c);
      const below = this.dependencies(dep, new Set([...parents, c.entry.name]), allowTag);
      out.push(...below, dep);
    }
    return out;
  }
}

/** The chosen packages in apko's install order. */
export function installOrder(input: OrderInput): Candidate[] {
  const selected = new Set(input.selected);
  const walk = new Walk(input);
  const world = [...input.world].sort((a, b) => compareBytes(a.raw, b.raw));
  walk.constrain(world);
  const roots: Array<[Dependency, Candidate]> = [];
  for (const d of world) {
    if (d.conflict) continue;
    const c = input.chosen.get(d.name)?.candidate;
    if (c === undefined) continue;
    roots.push([d, c]);
    walk.placed(c);
  }
  const out: Candidate[] = [];
  const placed = new Set<Candidate>();
  const place = (c: Candidate) => {
    if (placed.has(c) || !selected.has(c)) return;
    placed.add(c);
    out.push(c);
  };
  /** A package the walk did not reach from the world (an install_if package), after its own dependencies. */
  const placeWithDependencies = (c: Candidate) => {
    if (placed.has(c)) return;
    for (const dep of walk.dependencies(c, new Set(), undefined)) place(dep);
    place(c);
  };
  for (const [d, root] of roots) {
    const deps = walk.dependencies(root, new Set(), d.tag);
    for (const c of deps) place(c);
    // install_if packages that this root's dependencies complete come after them (apko adds them to the dependency list).
    const names = new Set(deps.flatMap((c) => namesOf(c).map((q) => q.name)));
    const completed = input.selected
      .filter((c) => c.installIf.length > 0 && c.installIf.every((a) => a.conflict || names.has(a.name)))
      .sort((a, b) => compareBytes(a.entry.name, b.entry.name));
    for (const c of completed) placeWithDependencies(c);
    place(root);
  }
  // install_if packages completed only together with the world's own packages, and anything else the walk did not reach.
  for (const c of [...input.selected].sort((a, b) => compareBytes(a.label, b.label))) placeWithDependencies(c);
  return out;
}
