/**
 * `resolve`: the packages apk-tools 2.14 would install into an empty root
 * for a world, in install order, each with the repository it comes from and
 * who required it. Runs solving passes until one finishes without finding a
 * package that a later requirement breaks; throws UnsatisfiableError when no
 * choice exists.
 */
import { parseDependency, type Dependency } from '../apk/dependency';
import { CandidateIndex, namesOf, type Candidate } from './candidates';
import { accepts } from './constraints';
import { unsatisfiable, type Reason } from './explain';
import { installOrder } from './order';
import { Conflict, Pass } from './solve';
import type { Resolution, ResolutionEdge, ResolvedPackage, ResolveRequest, Selection } from './types';
import { compareBytes } from '../order';


/** Resolves `world` against `repositories` for one architecture. */
export function resolve(req: ResolveRequest): Resolution {
  const world = req.world.map((atom) => parseDependency(atom, 'world'));
  const sorted = [...world].sort((a, b) => compareBytes(a.name, b.name));
  const index = new CandidateIndex(req.repositories, req.arch);
  const tags = new Set(req.repositories.flatMap((r) => (r.tag === undefined ? [] : [r.tag])));
  const disqualified = new Map<Candidate, Reason[]>();
  // Every restart disqualifies one more candidate that was acceptable before, so this is bounded.
  for (let attempt = 0; attempt <= index.all.length; attempt++) {
    const pass = new Pass(index, {
      disqualified,
      tags,
      autoSelectSingleVirtual: req.autoSelectSingleVirtual ?? false,
      strictProviders: req.strictProviders ?? false,
      pins: req.pins,
      missingOn: req.missingOn,
    });
    try {
      pass.run(sorted);
    } catch (e) {
      if (!(e instanceof Conflict)) throw e;
      disqualified.set(e.candidate, [...(disqualified.get(e.candidate) ?? []), e.reason]);
      continue;
    }
    const rejected = new Map<Candidate, readonly Reason[]>([...pass.rejected, ...disqualified]);
    if (pass.problems.length > 0) throw unsatisfiable(pass.problems, rejected, req.arch);
    return assemble(req, sorted, index, pass);
  }
  throw new Error(`resolver did not settle after ${index.all.length + 1} passes`);
}

function assemble(req: ResolveRequest, world: readonly Dependency[], index: CandidateIndex, pass: Pass): Resolution {
  const order = installOrder({
    world,
    chosen: pass.chosen,
    selected: pass.selected,
    index,
    // apko starts from the cross-arch disqualifications (`disqualifyDifference`).
    excluded: (c) => req.missingOn?.has(c.label) === true,
  });
  const edges: ResolutionEdge[] = [];
  for (const c of order) {
    for (const q of namesOf(c)) {
      if (pass.chosen.get(q.name)?.candidate !== c) continue;
      for (const r of pass.requirementsOn(q.name)) {
        if (r.dep.conflict || !accepts(r, q)) continue;
        edges.push({ from: r.from?.label ?? 'world', to: c.label, atom: r.dep.raw, kind: 'depend' });
      }
    }
    const triggers = pass.triggers.get(c) ?? [];
    for (const t of triggers) {
      const atom = c.installIf.find((a) => namesOf(t).some((q) => q.name === a.name));
      edges.push({ from: t.label, to: c.label, atom: atom?.raw ?? t.entry.name, kind: 'install_if' });
    }
  }
  edges.sort((a, b) => compareBytes(a.from, b.from) || compareBytes(a.to, b.to) || compareBytes(a.atom, b.atom) || compareBytes(a.kind, b.kind));
  const packages = order.map((c): ResolvedPackage => {
    const into = edges.filter((e) => e.to === c.label);
    const from = [...new Set(into.map((e) => e.from))];
    const requiredBy = [...from.filter((f) => f === 'world'), ...from.filter((f) => f !== 'world').sort(compareBytes)];
    const selectedBy: Selection = pass.triggers.has(c) ? 'install_if' : requiredBy.includes('world') ? 'world' : 'dependency';
    const tag = c.repo.tag === undefined ? {} : { repositoryTag: c.repo.tag };
    return { ...c.entry, repository: c.repo.name, ...tag, selectedBy, requiredBy };
  });
  return { arch: req.arch, world: [...req.world], packages, edges, choices: pass.choices };
}
