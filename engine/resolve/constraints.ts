/**
 * Whether a candidate may be chosen now: every reason against it, given the
 * requirements collected so far (world and chosen packages' `depend` lines),
 * the names already taken, repository tags, and rejections decided earlier
 * (pins, architectures, conflicts found on an earlier pass). An empty list
 * means the candidate is acceptable.
 */
import { dependencyMatches, type Dependency } from '../apk/dependency';
import { namesOf, type Candidate, type Provider } from './candidates';
import type { Reason } from './explain';
import type { Pin } from './types';

/** A dependency atom and who asked for it (`from` undefined: the world). */
export interface Requirement {
  readonly dep: Dependency;
  readonly from?: Candidate;
}

/** `world[atom]` or `name-version[atom]`, as apk-tools prints a requirer. */
export function requirerLabel(r: Requirement): string {
  return `${r.from === undefined ? 'world' : r.from.label}[${r.dep.raw}]`;
}

/** True when the provider is acceptable to the requirement (for `!x`: when it is not the forbidden one). */
export function accepts(r: Requirement, p: Pick<Provider, 'name' | 'version'>): boolean {
  const m = dependencyMatches(r.dep, p.name, p.version);
  return r.dep.conflict ? !m : m;
}

/** What the checks read from the solver. */
export interface ConstraintView {
  requirementsOn(name: string): readonly Requirement[];
  readonly chosen: ReadonlyMap<string, Provider>;
  readonly disqualified: ReadonlyMap<Candidate, readonly Reason[]>;
  readonly pins?: ReadonlyMap<string, Pin>;
  readonly missingOn?: ReadonlyMap<string, readonly string[]>;
  /** Repository tags a chosen package passes on to its dependencies. */
  tagsAllowedBy(c: Candidate): ReadonlySet<string>;
}

/** Tags that requirers allow for `c`, and the tags the world insists on (`name@tag`). */
export function tagsFor(view: ConstraintView, c: Candidate, extra?: ReadonlySet<string>): { allowed: Set<string>; strict: Set<string> } {
  const allowed = new Set(extra);
  const strict = new Set<string>();
  for (const q of namesOf(c)) {
    for (const r of view.requirementsOn(q.name)) {
      if (r.dep.conflict) continue;
      if (r.from === undefined) {
        if (r.dep.tag !== undefined) strict.add(r.dep.tag);
      } else {
        for (const t of view.tagsAllowedBy(r.from)) allowed.add(t);
      }
    }
  }
  return { allowed, strict };
}

function tagReasons(view: ConstraintView, c: Candidate, extra?: ReadonlySet<string>): Reason[] {
  const { allowed, strict } = tagsFor(view, c, extra);
  const tag = c.repo.tag;
  if (strict.size > 0) {
    if (tag !== undefined && strict.has(tag)) return [];
    // name@tag may only come from a repository with that tag.
    const out: Reason[] = [];
    for (const q of namesOf(c)) {
      for (const r of view.requirementsOn(q.name)) {
        if (r.from === undefined && r.dep.tag !== undefined && r.dep.tag !== tag) out.push({ label: 'breaks', item: requirerLabel(r) });
      }
    }
    return out;
  }
  // An untagged requirement never takes a package from a tagged repository.
  return tag === undefined || allowed.has(tag) ? [] : [{ label: 'masked in', item: `@${tag}` }];
}

/** Every reason `c` cannot be chosen now; `extraTags` are tags allowed by install_if triggers. */
export function rejectReasons(view: ConstraintView, c: Candidate, extraTags?: ReadonlySet<string>): Reason[] {
  const out: Reason[] = [...(view.disqualified.get(c) ?? [])];
  if (c.invalid !== undefined) out.push({ label: 'malformed', item: c.invalid });
  const pin = view.pins?.get(c.entry.name);
  if (pin !== undefined && pin.version !== c.entry.version) out.push({ label: 'pinned by', item: pin.by });
  const missing = view.missingOn?.get(c.label);
  if (missing !== undefined) for (const arch of missing) out.push({ label: 'missing on', item: arch });
  out.push(...tagReasons(view, c, extraTags));
  for (const q of namesOf(c)) {
    for (const r of view.requirementsOn(q.name)) if (!accepts(r, q)) out.push({ label: 'breaks', item: requirerLabel(r) });
    const lock = view.chosen.get(q.name);
    // Two packages may share a name only when neither gives it a version.
    if (lock !== undefined && lock.candidate !== c && !(lock.version === undefined && q.version === undefined)) {
      const sameName = lock.candidate.entry.name === q.name && c.entry.name === q.name;
      out.push({ label: 'conflicts', item: sameName ? lock.candidate.label : `${lock.candidate.label}[${q.name}]` });
    }
  }
  // Its own dependencies must accept what is already chosen (apk-tools: "dependency no longer satisfiable").
  const own = new Set(namesOf(c).map((q) => q.name));
  for (const dep of c.depends) {
    const lock = view.chosen.get(dep.name);
    if (lock === undefined || own.has(dep.name) || accepts({ dep }, lock)) continue;
    out.push({
      label: 'conflicts',
      item: `${lock.candidate.label}[${dep.raw}]`,
      blocker: { candidate: lock.candidate, breaks: `${c.label}[${dep.raw}]` },
    });
  }
  return out;
}
