/**
 * The packages the solver may choose from: every index entry of the requested
 * architecture (or `noarch`), with its atoms parsed once, looked up by every
 * name it answers to (its own name and each provided name), plus the order in
 * which apk-tools prefers one provider of a name over another.
 */
import { parseDependency, parseProvides, type Dependency, type Provide } from '../apk/dependency';
import type { IndexEntry } from '../apk/types';
import { compareVersions, isValidVersion } from '../apk/version';
import type { ResolverRepository } from './types';
import { compareBytes } from '../order';

/** One index entry the solver may choose. */
export interface Candidate {
  readonly entry: IndexEntry;
  /** `name-version`, as apk-tools prints a package. */
  readonly label: string;
  /** Position in the input (repository order, then index order): the last tiebreaker. */
  readonly seq: number;
  readonly repoIndex: number;
  readonly repo: ResolverRepository;
  readonly depends: readonly Dependency[];
  readonly provides: readonly Provide[];
  readonly installIf: readonly Dependency[];
  /** `k:`; 0 when absent. */
  readonly priority: number;
  /** Why the entry cannot be used at all (a malformed atom or version). */
  readonly invalid?: string;
}

/** A candidate seen through one of its names; `version` is undefined for a virtual provide. */
export interface Provider {
  readonly candidate: Candidate;
  readonly name: string;
  readonly version?: string;
}

function parseAll<T>(items: readonly string[], parse: (s: string) => T, errors: string[]): T[] {
  const out: T[] = [];
  for (const s of items) {
    try {
      out.push(parse(s));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return out;
}

function toCandidate(entry: IndexEntry, repo: ResolverRepository, repoIndex: number, seq: number): Candidate {
  const label = `${entry.name}-${entry.version}`;
  const errors: string[] = [];
  if (!isValidVersion(entry.version)) errors.push(`invalid version ${JSON.stringify(entry.version)}`);
  const depends = parseAll(entry.depends, (s) => parseDependency(s, label), errors);
  const provides = parseAll(entry.provides, (s) => parseProvides(s, label), errors);
  const installIf = parseAll(entry.installIf, (s) => parseDependency(s, label), errors);
  const c: Candidate = { entry, label, seq, repoIndex, repo, depends, provides, installIf, priority: entry.providerPriority ?? 0 };
  return errors.length === 0 ? c : { ...c, invalid: errors.join('; ') };
}

/**
 * True when an index entry can be installed on `arch`: its `A:` names it or
 * `noarch`, or it has no `A:` at all (apk-tools' own solver test
 * repositories carry none); only an entry naming another architecture is out.
 */
export function forArch(entry: Pick<IndexEntry, 'arch'>, arch: string): boolean {
  return entry.arch === arch || entry.arch === 'noarch' || entry.arch === '';
}

/** The candidates of one architecture, by name. */
export class CandidateIndex {
  readonly all: readonly Candidate[];
  /**
   * How many more repositories list each candidate's very file. They are one
   * package to the solver, but apko counts each copy when it orders
   * dependencies by their number of candidates (resolve/order.ts).
   */
  readonly copies = new Map<Candidate, number>();
  private readonly byName = new Map<string, Provider[]>();
  private readonly byTrigger = new Map<string, Candidate[]>();
  private readonly depths = new Map<string, number>();

  constructor(repositories: readonly ResolverRepository[], arch: string) {
    const all: Candidate[] = [];
    const seen = new Map<string, Candidate>();
    repositories.forEach((repo, repoIndex) => {
      for (const entry of repo.entries) {
        if (!forArch(entry, arch)) continue;
        // The same file listed by two repositories is one package, from the earlier one.
        const identity = `${entry.name}\0${entry.version}\0${entry.checksum}`;
        const first = seen.get(identity);
        if (first !== undefined) {
          this.copies.set(first, (this.copies.get(first) ?? 0) + 1);
          continue;
        }
        const c = toCandidate(entry, repo, repoIndex, all.length);
        seen.set(identity, c);
        all.push(c);
      }
    });
    this.all = all;
    for (const c of all) {
      for (const p of namesOf(c)) push(this.byName, p.name, p);
      for (const d of c.installIf) push(this.byTrigger, d.name, c);
    }
  }

  /** Every provider of `name`: packages called so and packages providing it. */
  providersOf(name: string): readonly Provider[] {
    return this.byName.get(name) ?? [];
  }

  /** Packages with an `install_if` atom on `name`. */
  installIfUsers(name: string): readonly Candidate[] {
    return this.byTrigger.get(name) ?? [];
  }

  /**
   * Longest dependency chain below `name` (apk-tools' `max_dep_chain`): names
   * deeper in the graph are decided after the names that depend on them, so
   * every constraint on a name is known before it is chosen.
   */
  depth(name: string): number {
    const known = this.depths.get(name);
    if (known !== undefined) return known;
    this.depths.set(name, 0); // a cycle counts as a leaf
    let depth = 0;
    for (const p of this.providersOf(name)) {
      for (const d of p.candidate.depends) if (!d.conflict) depth = Math.max(depth, this.depth(d.name) + 1);
    }
    this.depths.set(name, depth);
    return depth;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** Every name a candidate answers to: its own, then its provides. */
export function namesOf(c: Candidate): Provider[] {
  const own: Provider = { candidate: c, name: c.entry.name, version: c.entry.version };
  // A package that lists its own name in p: is already that name.
  return [own, ...c.provides.filter((p) => p.name !== own.name).map((p) => ({ candidate: c, ...p }))];
}

/**
 * apk-tools' preference between two providers of one name (`compare_providers`
 * for an empty root), positive when `a` is better: the preferred repository
 * (see `prefer`), then the newer version of the requested name, then the newer
 * package when both have the same name, then the higher provider priority,
 * then the earlier repository. apk-tools stops there; we add the name and the
 * input position so the choice never depends on iteration order.
 */
export function compareProviders(a: Provider, b: Provider, prefer?: (c: Candidate) => boolean): number {
  const ca = a.candidate;
  const cb = b.candidate;
  if (prefer !== undefined) {
    const r = Number(prefer(ca)) - Number(prefer(cb));
    if (r !== 0) return r;
  }
  if (a.version !== undefined && b.version !== undefined) {
    const r = compareVersions(a.version, b.version);
    if (r !== 0) return r;
  }
  if (ca.entry.name === cb.entry.name) {
    const r = compareVersions(ca.entry.version, cb.entry.version);
    if (r !== 0) return r;
  }
  if (ca.priority !== cb.priority) return ca.priority - cb.priority;
  if (ca.repoIndex !== cb.repoIndex) return cb.repoIndex - ca.repoIndex;
  const byName = compareBytes(cb.entry.name, ca.entry.name);
  return byName !== 0 ? byName : cb.seq - ca.seq;
}

/** The best of `providers` by `compareProviders`, or undefined when empty. */
export function bestProvider(providers: readonly Provider[], prefer?: (c: Candidate) => boolean): Provider | undefined {
  let best: Provider | undefined;
  for (const p of providers) if (best === undefined || compareProviders(p, best, prefer) > 0) best = p;
  return best;
}

/** What apko's provider order looks at besides the two providers: what is already chosen. */
export interface ChoiceContext {
  /** Names already decided, with the provider chosen for each; undefined for the world's own atoms (apko passes none there). */
  readonly chosen?: ReadonlyMap<string, Provider>;
  /** Origin → version of the packages already chosen. */
  readonly origins?: ReadonlyMap<string, string>;
}

/**
 * apko's order between providers of a name (`comparePackages` in apko's
 * `pkg/apk/apk/repo.go`, as its resolver calls it: without a requiring
 * package), positive when `a` is better: a package already chosen at that
 * version; an origin already chosen at that version; an untagged
 * repository; the version the provider gives the name; the newer package of
 * one name; the higher provider priority; the newer version; then the name
 * (bytes) and the input position, so the choice never depends on iteration
 * order.
 */
export function compareLikeApko(a: Provider, b: Provider, ctx: ChoiceContext): number {
  const ca = a.candidate;
  const cb = b.candidate;
  const prefer = (test: (c: Candidate) => boolean): number => Number(test(ca)) - Number(test(cb));
  const { chosen, origins } = ctx;
  const steps: Array<() => number> = [
    () => (chosen === undefined ? 0 : prefer((c) => chosen.get(c.entry.name)?.candidate.entry.version === c.entry.version)),
    () => (origins === undefined ? 0 : prefer((c) => c.entry.origin !== undefined && origins.get(c.entry.origin) === c.entry.version)),
    () => prefer((c) => c.repo.tag === undefined),
    () => (a.version !== undefined && b.version !== undefined ? compareVersions(a.version, b.version) : 0),
    () => (ca.entry.name === cb.entry.name ? compareVersions(ca.entry.version, cb.entry.version) : 0),
    () => ca.priority - cb.priority,
    () => compareVersions(ca.entry.version, cb.entry.version),
    () => compareBytes(cb.entry.name, ca.entry.name),
    () => cb.seq - ca.seq,
  ];
  for (const step of steps) {
    const r = step();
    if (r !== 0) return r;
  }
  return 0;
}

/** The best of `providers` by apko's order, or undefined when empty. */
export function bestLikeApko(providers: readonly Provider[], ctx: ChoiceContext): Provider | undefined {
  let best: Provider | undefined;
  for (const p of providers) if (best === undefined || compareLikeApko(p, best, ctx) > 0) best = p;
  return best;
}
