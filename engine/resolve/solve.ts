/**
 * One solving pass, top-down like apk-tools' solver: names are decided in
 * order of their longest dependency chain (then by name), so the packages
 * that constrain a name are chosen before it; each decision takes the best
 * acceptable provider (`compareProviders`), locks every name that package
 * carries and adds its `depend` lines as requirements. A candidate whose own
 * dependencies break a package chosen earlier is passed over; when that leaves
 * a name without candidates (or a new requirement breaks an earlier choice,
 * as can happen across dependency cycles), the pass stops with a `Conflict`:
 * the caller disqualifies the earlier package and starts again (the set only
 * grows, so this ends). A name with no acceptable provider becomes a
 * `Problem`, and the pass goes on so that every problem is reported at once.
 *
 * Virtual names (provides without a version) are never chosen for themselves
 * unless the provider has a `provider_priority`; they are deferred until the
 * provider's own name has been decided for another reason. A virtual name
 * still undecided when nothing else is left is then chosen as apko chooses
 * (`compareLikeApko`), one name at a time in byte order, and each choice is
 * recorded so the caller can say what was picked; with `strictProviders` it
 * is refused instead, as apk-tools does.
 */
import type { Dependency } from '../apk/dependency';
import { bestLikeApko, bestProvider, namesOf, type Candidate, type CandidateIndex, type Provider } from './candidates';
import { accepts, rejectReasons, requirerLabel, tagsFor, type ConstraintView, type Requirement } from './constraints';
import type { Problem, Reason } from './explain';
import { brokenProblem, virtualProblem } from './problems';
import type { Pin, ProviderChoice } from './types';
import { compareBytes } from '../order';

/** Thrown when a new requirement breaks a package chosen earlier in the pass. */
export class Conflict {
  constructor(
    readonly candidate: Candidate,
    readonly reason: Reason,
  ) {}
}

/** Options a pass shares with the resolve call. */
export interface PassOptions {
  readonly disqualified: ReadonlyMap<Candidate, readonly Reason[]>;
  readonly autoSelectSingleVirtual: boolean;
  /** Refuse a virtual name nothing else decides (apk-tools), rather than choosing its provider as apko does. */
  readonly strictProviders: boolean;
  readonly tags: ReadonlySet<string>;
  readonly pins?: ReadonlyMap<string, Pin>;
  readonly missingOn?: ReadonlyMap<string, readonly string[]>;
}

const preferUntagged = (c: Candidate): boolean => c.repo.tag === undefined;

/** The state of one pass; read by the caller once `run` returns. */
export class Pass implements ConstraintView {
  readonly chosen = new Map<string, Provider>();
  /** Chosen packages in the order they were chosen. */
  readonly selected: Candidate[] = [];
  /** The requirement each package was chosen for (undefined: install_if). */
  readonly cause = new Map<Candidate, Requirement | undefined>();
  /** install_if packages and the packages that triggered them. */
  readonly triggers = new Map<Candidate, Candidate[]>();
  readonly problems: Problem[] = [];
  /** Virtual names chosen as apko chooses them, in the order they were chosen. */
  readonly choices: ProviderChoice[] = [];
  /** Candidates found unacceptable while deciding, with the reasons. */
  readonly rejected = new Map<Candidate, Reason[]>();
  private readonly requirements = new Map<string, Requirement[]>();
  private readonly allowedTags = new Map<Candidate, Set<string>>();
  private readonly pending = new Set<string>();
  private readonly deferred = new Set<string>();
  private readonly failed = new Set<string>();
  readonly disqualified: ReadonlyMap<Candidate, readonly Reason[]>;
  readonly pins?: ReadonlyMap<string, Pin>;
  readonly missingOn?: ReadonlyMap<string, readonly string[]>;

  constructor(
    private readonly index: CandidateIndex,
    private readonly opts: PassOptions,
  ) {
    this.disqualified = opts.disqualified;
    this.pins = opts.pins;
    this.missingOn = opts.missingOn;
  }

  requirementsOn(name: string): readonly Requirement[] {
    return this.requirements.get(name) ?? [];
  }

  tagsAllowedBy(c: Candidate): ReadonlySet<string> {
    return this.allowedTags.get(c) ?? new Set();
  }

  /** Solves for `world` (already sorted); throws `Conflict` to ask for a restart. */
  run(world: readonly Dependency[]): void {
    for (const dep of world) {
      if (dep.tag !== undefined && !this.opts.tags.has(dep.tag)) {
        this.failed.add(dep.name);
        const subject = `${dep.name}@${dep.tag} (no repository is tagged @${dep.tag})`;
        this.problems.push({ kind: 'tag', subject, facts: [['required by', [`world[${dep.raw}]`]]] });
      }
      this.require({ dep });
    }
    this.settle();
    if (!this.opts.strictProviders) {
      for (let name = this.nextDeferred(); name !== undefined; name = this.nextDeferred()) {
        this.chooseVirtual(name);
        this.settle();
      }
    }
    for (const name of [...this.deferred].sort(compareBytes)) if (!this.chosen.has(name)) this.failVirtual(name);
  }

  private settle(): void {
    do this.drain();
    while (this.triggerInstallIf());
  }

  private nextDeferred(): string | undefined {
    return [...this.deferred].filter((n) => !this.chosen.has(n)).sort(compareBytes)[0];
  }

  /** What apko's order knows when it decides for `cause`: nothing for the world's own atoms, else the packages chosen so far. */
  private choiceContext(cause: Requirement | undefined): { chosen?: ReadonlyMap<string, Provider>; origins?: ReadonlyMap<string, string> } {
    if (cause === undefined || cause.from === undefined) return {};
    const origins = new Map<string, string>();
    for (const c of this.selected) if (c.entry.origin !== undefined && !origins.has(c.entry.origin)) origins.set(c.entry.origin, c.entry.version);
    return { chosen: this.chosen, origins };
  }

  /** Picks the provider of a virtual name that apko would, and records the choice. */
  private chooseVirtual(name: string): void {
    this.deferred.delete(name);
    const acceptable = this.index.providersOf(name).filter((p) => rejectReasons(this, p.candidate).length === 0);
    const cause = this.requirementsOn(name).find((r) => !r.dep.conflict);
    const best = bestLikeApko(acceptable, this.choiceContext(cause));
    if (best === undefined) {
      this.failVirtual(name);
      return;
    }
    const others = [...new Set(acceptable.filter((p) => p.candidate !== best.candidate).map((p) => p.candidate.label))].sort(compareBytes);
    this.choices.push({ name, chosen: best.candidate.label, others, requiredBy: cause === undefined ? 'world' : requirerLabel(cause) });
    this.select(best.candidate, cause);
  }

  private drain(): void {
    for (;;) {
      let next: string | undefined;
      let depth = -1;
      for (const name of this.pending) {
        const d = this.index.depth(name);
        if (d > depth || (d === depth && compareBytes(name, next as string) < 0)) [next, depth] = [name, d];
      }
      if (next === undefined) return;
      this.pending.delete(next);
      this.decide(next);
    }
  }

  private require(r: Requirement): void {
    const name = r.dep.name;
    const list = this.requirements.get(name);
    if (list === undefined) this.requirements.set(name, [r]);
    else list.push(r);
    const lock = this.chosen.get(name);
    if (lock !== undefined) {
      // A package's atoms on names it carries itself are its own business (apko skips them too).
      if (lock.candidate !== r.from && !accepts(r, lock)) throw new Conflict(lock.candidate, { label: 'breaks', item: requirerLabel(r) });
      return;
    }
    if (!r.dep.conflict && !this.failed.has(name)) this.pending.add(name);
  }

  private decide(name: string): void {
    if (this.chosen.has(name) || this.failed.has(name)) return;
    const providers = this.index.providersOf(name);
    const viable: Provider[] = [];
    const blocked: Array<[Provider, Reason]> = [];
    let blockedVirtual = false;
    for (const p of providers) {
      const reasons = rejectReasons(this, p.candidate);
      if (reasons.length > 0) {
        this.rejected.set(p.candidate, reasons);
        if (reasons.every((r) => r.blocker !== undefined)) blocked.push([p, reasons[0]]);
      } else if (this.isBlockedVirtual(p, providers.length)) blockedVirtual = true;
      else viable.push(p);
    }
    const cause = this.requirementsOn(name).find((r) => !r.dep.conflict);
    const best = this.opts.strictProviders ? bestProvider(viable, preferUntagged) : bestLikeApko(viable, this.choiceContext(cause));
    if (best !== undefined) {
      this.select(best.candidate, cause);
    } else if (blockedVirtual) {
      this.deferred.add(name);
    } else if (blocked.length > 0) {
      // Only an earlier choice stands in the way (possible across dependency cycles): undo that choice.
      const first = bestProvider(blocked.map(([p]) => p));
      const [, reason] = blocked.find(([p]) => p === first) as [Provider, Reason];
      const blocker = reason.blocker as NonNullable<Reason['blocker']>;
      throw new Conflict(blocker.candidate, { label: 'breaks', item: blocker.breaks });
    } else {
      this.fail(name);
    }
  }

  /** A provide without a version is no reason to install a package, unless it has a provider priority. */
  private isBlockedVirtual(p: Provider, count: number): boolean {
    if (p.version !== undefined || p.candidate.entry.name === p.name || p.candidate.priority !== 0) return false;
    return !(this.opts.autoSelectSingleVirtual && count === 1);
  }

  private select(c: Candidate, cause: Requirement | undefined, extraTags?: ReadonlySet<string>): void {
    const { allowed } = tagsFor(this, c, extraTags);
    if (c.repo.tag !== undefined) allowed.add(c.repo.tag);
    this.allowedTags.set(c, allowed);
    this.selected.push(c);
    this.cause.set(c, cause);
    for (const q of namesOf(c)) {
      if (!this.chosen.has(q.name)) this.chosen.set(q.name, q);
      this.pending.delete(q.name);
      this.deferred.delete(q.name);
    }
    for (const dep of c.depends) this.require({ dep, from: c });
  }

  /** Adds, per name, the best package whose every install_if atom holds in the chosen set. */
  private triggerInstallIf(): boolean {
    const byName = new Map<string, Provider[]>();
    const seen = new Set<Candidate>();
    for (const name of [...this.chosen.keys()].sort(compareBytes)) {
      for (const c of this.index.installIfUsers(name)) {
        if (seen.has(c) || this.chosen.has(c.entry.name) || this.failed.has(c.entry.name)) continue;
        seen.add(c);
        if (!c.installIf.every((a) => this.holds(a))) continue;
        if (rejectReasons(this, c, this.triggerTags(c)).length > 0) continue;
        byName.set(c.entry.name, [...(byName.get(c.entry.name) ?? []), namesOf(c)[0]]);
      }
    }
    for (const name of [...byName.keys()].sort(compareBytes)) {
      const best = bestProvider(byName.get(name) ?? [], preferUntagged);
      if (best === undefined || this.chosen.has(name)) continue;
      const c = best.candidate;
      // An install_if package chosen just before may have taken one of its names.
      if (rejectReasons(this, c, this.triggerTags(c)).length > 0) continue;
      const by = c.installIf.filter((a) => !a.conflict).map((a) => this.chosen.get(a.name)?.candidate);
      this.triggers.set(c, by.filter((t): t is Candidate => t !== undefined));
      this.select(c, undefined, this.triggerTags(c));
    }
    return byName.size > 0;
  }

  private holds(a: Dependency): boolean {
    const lock = this.chosen.get(a.name);
    if (lock === undefined) return a.conflict;
    return accepts({ dep: a }, lock);
  }

  private triggerTags(c: Candidate): Set<string> {
    const tags = new Set<string>();
    for (const a of c.installIf) {
      const lock = this.chosen.get(a.name);
      if (lock !== undefined) for (const t of this.tagsAllowedBy(lock.candidate)) tags.add(t);
    }
    return tags;
  }

  private fail(name: string): void {
    this.failed.add(name);
    this.problems.push(brokenProblem(this, this.index, name));
  }

  private failVirtual(name: string): void {
    this.failed.add(name);
    this.problems.push(virtualProblem(this, this.index, name));
  }
}
