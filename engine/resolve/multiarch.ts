/**
 * Several architectures at once, with the same version of every package on
 * each. As apko does (`disqualifyDifference`), a `name-version` that some
 * requested architecture lacks is rejected everywhere up front, naming the
 * architectures it is missing on. If the archs still pick different versions
 * of a name, the lowest of them is pinned on every arch and all are resolved
 * again; a pin that cannot hold is reported like any other problem.
 */
import { UnsatisfiableError } from '../errors';
import { compareVersions } from '../apk/version';
import { forArch } from './candidates';
import { resolve } from './resolve';
import type { Pin, Resolution, ResolverRepository } from './types';
import { compareBytes } from '../order';

/** Input of `resolveMultiArch`. */
export interface MultiArchRequest {
  /** Repositories per architecture (each arch may have its own index URLs). */
  readonly repositories: ReadonlyMap<string, readonly ResolverRepository[]> | Readonly<Record<string, readonly ResolverRepository[]>>;
  readonly world: readonly string[];
  /** In output order. */
  readonly archs: readonly string[];
  readonly autoSelectSingleVirtual?: boolean;
  /** See `ResolveRequest.strictProviders`. */
  readonly strictProviders?: boolean;
}

function reposOf(req: MultiArchRequest, arch: string): readonly ResolverRepository[] {
  const all = req.repositories;
  const repos = all instanceof Map ? all.get(arch) : (all as Record<string, readonly ResolverRepository[]>)[arch];
  return repos ?? [];
}

/** `name-version` → archs lacking it, for the packages `arch` has. */
function missingOn(req: MultiArchRequest, archs: readonly string[], arch: string): Map<string, string[]> {
  const has = new Map<string, Set<string>>();
  for (const a of archs) {
    const labels = new Set<string>();
    for (const r of reposOf(req, a)) {
      for (const e of r.entries) if (forArch(e, a)) labels.add(`${e.name}-${e.version}`);
    }
    has.set(a, labels);
  }
  const out = new Map<string, string[]>();
  for (const label of has.get(arch) ?? []) {
    const lacking = archs.filter((a) => !(has.get(a) as Set<string>).has(label));
    if (lacking.length > 0) out.set(label, lacking);
  }
  return out;
}

/** Resolves every arch and pins them to the same versions; results are in `archs` order. */
export function resolveMultiArch(req: MultiArchRequest): Resolution[] {
  const archs = [...new Set(req.archs)];
  const missing = new Map(archs.map((a) => [a, missingOn(req, archs, a)]));
  const pins = new Map<string, Pin>();
  // Each round pins at least one more name, so this ends.
  for (;;) {
    const results: Resolution[] = [];
    const errors: Array<[string, UnsatisfiableError]> = [];
    for (const arch of archs) {
      try {
        const repositories = reposOf(req, arch);
        const { world, autoSelectSingleVirtual, strictProviders } = req;
        results.push(resolve({ repositories, world, arch, autoSelectSingleVirtual, strictProviders, pins, missingOn: missing.get(arch) }));
      } catch (e) {
        if (!(e instanceof UnsatisfiableError)) throw e;
        errors.push([arch, e]);
      }
    }
    if (errors.length > 0) throw combine(errors);
    const added = pinDifferences(results, pins);
    if (added === 0) return results;
  }
}

/** Pins each name the archs disagree on to its lowest chosen version; returns how many pins were added. */
function pinDifferences(results: readonly Resolution[], pins: Map<string, Pin>): number {
  const chosen = new Map<string, Array<[string, string]>>();
  for (const r of results) for (const p of r.packages) chosen.set(p.name, [...(chosen.get(p.name) ?? []), [r.arch, p.version]]);
  let added = 0;
  for (const [name, picks] of [...chosen].sort(([a], [b]) => compareBytes(a, b))) {
    if (new Set(picks.map(([, v]) => v)).size < 2 || pins.has(name)) continue;
    const [arch, version] = [...picks].sort(([, a], [, b]) => compareVersions(a, b))[0];
    pins.set(name, { version, by: `${arch}[${name}=${version}]` });
    added++;
  }
  if (added === 0 && [...chosen.values()].some((p) => new Set(p.map(([, v]) => v)).size > 1)) {
    throw new Error('multi-arch pinning did not converge');
  }
  return added;
}

function combine(errors: ReadonlyArray<[string, UnsatisfiableError]>): UnsatisfiableError {
  const blocks = errors.map(([arch, e]) => `  ${arch}:\n${e.message.split('\n').slice(1).map((l) => `  ${l}`).join('\n')}`);
  return new UnsatisfiableError(['unable to select packages:', ...blocks].join('\n'), {
    problems: errors.flatMap(([arch, e]) => e.problems.map((p) => `${arch}: ${p}`)),
    arch: errors.map(([arch]) => arch).join(','),
    hint: errors[0][1].hint,
    cause: new AggregateError(errors.map(([, e]) => e), `resolution failed on ${errors.map(([a]) => a).join(', ')}`),
  });
}
