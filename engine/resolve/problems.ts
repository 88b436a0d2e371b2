/**
 * Turns a name the solver could not decide into a `Problem` in apk-tools'
 * terms: `(no such package)` when nothing answers to the name, `(virtual)`
 * when only providers without a version and priority do, and otherwise the
 * package apk-tools would have picked, with everything that rules it out.
 */
import { bestProvider, namesOf, type Candidate, type CandidateIndex, type Provider } from './candidates';
import { rejectReasons, requirerLabel, type ConstraintView, type Requirement } from './constraints';
import { groupReasons, VIRTUAL_NOTE, type Problem } from './explain';
import { compareBytes } from '../order';

/** What a problem report reads from a pass. */
export interface ProblemView extends ConstraintView {
  /** The requirement each chosen package was chosen for. */
  readonly cause: ReadonlyMap<Candidate, Requirement | undefined>;
}

type Facts = Array<[string, string[]]>;


/** `world[…]` requirers first, then the others in byte order. */
function requirers(view: ProblemView, name: string): string[] {
  const labels = [...new Set(view.requirementsOn(name).filter((r) => !r.dep.conflict).map(requirerLabel))];
  const world = labels.filter((l) => l.startsWith('world['));
  return [...world, ...labels.filter((l) => !l.startsWith('world[')).sort(compareBytes)];
}

/** `world[a] -> a-1[b] -> b-2[c]`: how the first requirement of `name` from a package came about. */
function chain(view: ProblemView, name: string): string | undefined {
  const first = view.requirementsOn(name).find((r) => !r.dep.conflict && r.from !== undefined);
  if (first === undefined) return undefined;
  const links: string[] = [];
  const seen = new Set<Candidate>();
  for (let r: Requirement | undefined = first; r !== undefined; r = r.from === undefined ? undefined : view.cause.get(r.from)) {
    links.unshift(requirerLabel(r));
    if (r.from !== undefined) {
      if (seen.has(r.from)) break;
      seen.add(r.from);
    }
  }
  return links.join(' -> ');
}

function withChain(view: ProblemView, name: string, facts: Facts): Facts {
  const c = chain(view, name);
  return c === undefined ? facts : [...facts, ['chain', [c]]];
}

/** A name with no acceptable provider: missing, or the best provider and what breaks it. */
export function brokenProblem(view: ProblemView, index: CandidateIndex, name: string): Problem {
  const providers = index.providersOf(name);
  if (providers.length === 0) {
    const facts = withChain(view, name, [['required by', requirers(view, name)]]);
    return { kind: 'missing', subject: `${name} (no such package)`, facts };
  }
  // Blame the provider apk-tools would have picked had nothing been wrong.
  const blame = bestProvider(providers) as Provider;
  const facts = groupReasons(rejectReasons(view, blame.candidate));
  const broken = new Set(facts.flatMap(([, items]) => items));
  const satisfies = namesOf(blame.candidate).flatMap((q) => requirers(view, q.name).filter((l) => !broken.has(l)));
  if (satisfies.length > 0) facts.push(['satisfies', [...new Set(satisfies)]]);
  return { kind: 'broken', subject: blame.candidate.label, facts: withChain(view, name, facts) };
}

/** A virtual name nobody picked: apk-tools' note, its providers and its requirers. */
export function virtualProblem(view: ProblemView, index: CandidateIndex, name: string): Problem {
  const providers = index.providersOf(name);
  const names = [...new Set(providers.map((p) => p.candidate.entry.name))].sort(compareBytes);
  // Like apk-tools: a provider's name when all its versions provide it, else name-version.
  const providedBy = names.flatMap((n) => {
    const all = index.providersOf(n).filter((p) => p.candidate.entry.name === n);
    const giving = providers.filter((p) => p.candidate.entry.name === n);
    return giving.length === all.length ? [n] : giving.map((p) => p.candidate.label);
  });
  const facts: Facts = [
    ['note', [VIRTUAL_NOTE]],
    ['provided by', providedBy],
    ['required by', requirers(view, name)],
  ];
  return { kind: 'virtual', subject: `${name} (virtual)`, facts: withChain(view, name, facts) };
}
