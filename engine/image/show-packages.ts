/**
 * Resolution without a build: what `show-packages` and `dot` print. Loads the
 * config and the verified indexes and resolves every arch; fetches nothing.
 */
import type { LoadedConfig } from '../config';
import type { Resolution } from '../resolve';
import { createHttpClient } from '../repo';
import { openStore } from '../store';
import { loadForBuild } from './load-config';
import type { NormalizedResolveRequest } from './request';
import { repositoryOf, resolveWorld } from '../fetch';
import { compilePackageTemplate } from './package-template';

/** One resolved package as show-packages prints it. */
export interface PackageLine {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  /** The package's URL or path (credentials redacted). */
  readonly source: string;
  readonly repository: string;
  readonly requiredBy: readonly string[];
}

/** Resolves the config's packages for each arch. */
export async function resolveImagePackages(
  opts: NormalizedResolveRequest,
): Promise<{ loaded: LoadedConfig; resolutions: readonly Resolution[]; lines: ReadonlyArray<readonly PackageLine[]> }> {
  const loaded = await loadForBuild(opts);
  const world = await resolveWorld(loaded, { store: openStore(opts.cacheDir), offline: opts.offline, log: opts.log, limits: opts.limits, http: createHttpClient(opts.fetch), keyDiscovery: { env: opts.env } });
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

const TEMPLATES: Record<string, (p: PackageLine) => string> = {
  'name-version': (p) => `${p.name} ${p.version}`,
  'name-version-source': (p) => `${p.name} ${p.version} ${p.source}`,
  'name=version': (p) => `${p.name}=${p.version}`,
  'name=version-source': (p) => `${p.name}=${p.version} ${p.source}`,
  'name-(version)': (p) => `${p.name} (${p.version})`,
  'name-(version)-source': (p) => `${p.name} (${p.version}) ${p.source}`,
  packagelock: (p) => `- ${p.name}=${p.version}`,
  'packagelock-source': (p) => `- ${p.name}=${p.version} # ${p.source}`,
};

/** The named output formats show-packages accepts (plus `json`). */
export const PACKAGE_FORMATS: readonly string[] = [...Object.keys(TEMPLATES), 'json'];

/**
 * Renders one line per package in a named format or a template of the
 * user's own (`{{.Name}} {{.Version}}`); undefined for an unknown name.
 */
export function formatPackageLine(format: string): ((p: PackageLine) => string) | undefined {
  return TEMPLATES[format] ?? (format.includes('{{') ? compilePackageTemplate(format) : undefined);
}
