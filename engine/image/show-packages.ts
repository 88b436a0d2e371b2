/**
 * Resolution without a build: what `show-packages` and `dot` print. Loads the
 * config and the verified indexes and resolves every arch; fetches nothing.
 * The line formats are in package-line.ts, which the CLI's help reads without
 * loading any of this.
 */
import type { LoadedConfig } from '../config';
import type { Resolution } from '../resolve';
import { createHttpClient } from '../repo';
import { openStore } from '../store';
import { loadForBuild } from './load-config';
import type { NormalizedResolveRequest } from './request';
import { repositoryOf, resolveWorld } from '../fetch';
import type { PackageLine } from './package-line';
import { baseWorldsOf } from './base-worlds';

/** Resolves the config's packages for each arch. */
export async function resolveImagePackages(
  opts: NormalizedResolveRequest,
): Promise<{ loaded: LoadedConfig; resolutions: readonly Resolution[]; lines: ReadonlyArray<readonly PackageLine[]> }> {
  const loaded = await loadForBuild(opts);
  const world = await resolveWorld(loaded, { store: openStore(opts.cacheDir), offline: opts.offline, log: opts.log, limits: opts.limits, http: createHttpClient(opts.fetch), keyDiscovery: { env: opts.env } }, await baseWorldsOf(loaded));
  const lines = world.resolutions.map((r) =>
    r.packages.map((p) => ({
      name: p.name,
      version: p.version,
      arch: p.arch,
      source: repositoryOf(world, r.arch, p.repository).packageUrl(p),
      repository: p.repository,
      requiredBy: p.requiredBy,
    })),
  );
  return { loaded, resolutions: world.resolutions, lines };
}

export { formatPackageLine, PACKAGE_FORMATS, type PackageLine } from './package-line';
