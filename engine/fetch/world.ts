/**
 * What a build installs, before anything is fetched: the keyring and every
 * build repository's verified index per architecture, and one resolution of
 * all archs together so that they share versions.
 */
import { buildRepositories, type LoadedConfig } from '../config';
import { createHttpClient, createKeyDiscoverer, loadKeyring, loadRepository, parseRepository, type DiscoveredKey, type LoadedRepository } from '../repo';
import { resolveMultiArch, type ProviderChoice, type Resolution, type ResolverRepository } from '../resolve';
import type { PackageIO } from './types';

/** The verified indexes and the resolution of every arch. */
export interface ResolvedWorld {
  /** The configured keys, and the discovered ones after them. */
  readonly keyring: Map<string, string>;
  /** Keys found for repositories that no configured key verified (engine/repo/discover-keys.ts). */
  readonly discoveredKeys: readonly DiscoveredKey[];
  readonly repositories: ReadonlyMap<string, readonly LoadedRepository[]>;
  readonly resolutions: readonly Resolution[];
}

/** Loads the keyring and every build repository's index per arch, and resolves all archs together. */
export async function resolveWorld(loaded: LoadedConfig, io: PackageIO): Promise<ResolvedWorld> {
  const cwd = loaded.workDir;
  const shared = { offline: io.offline, ...(io.store ? { store: io.store } : {}), ...(io.http ? { http: io.http } : {}) };
  const keyring = await loadKeyring(loaded.config.contents.keyring, { cwd, ...shared });
  const discoverer = createKeyDiscoverer(keyring, { http: io.http ?? createHttpClient(), offline: io.offline, ...(io.store ? { store: io.store } : {}), ...(io.keyDiscovery ?? {}) }, io.log);
  const repoNames = buildRepositories(loaded.config);
  const repositories = new Map<string, LoadedRepository[]>();
  for (const arch of loaded.archs) {
    const repos: LoadedRepository[] = [];
    for (const repository of repoNames) {
      const repo = await loadRepository({
        repository,
        arch: arch.apk,
        keyring,
        discoverKeys: discoverer.forRepository(parseRepository(repository).url, arch.apk),
        ignoreSignatures: loaded.ignoreSignatures,
        cwd,
        ...(io.limits ? { maxIndexSize: io.limits.maxApkIndexDecompressedSize, maxHttpResponseSize: io.limits.maxHttpResponseSize } : {}),
        ...shared,
      });
      for (const w of repo.warnings) io.log(`warning: ${w}`);
      repos.push(repo);
    }
    repositories.set(arch.apk, repos);
  }
  const resolverRepos = new Map<string, ResolverRepository[]>(
    [...repositories].map(([arch, repos]) => [arch, repos.map((r) => ({ name: r.name, ...(r.tag ? { tag: r.tag } : {}), entries: r.entries }))]),
  );
  const resolutions = resolveMultiArch({
    repositories: resolverRepos,
    world: loaded.config.contents.packages,
    archs: loaded.archs.map((a) => a.apk),
    strictProviders: loaded.strictProviders,
  });
  for (const line of choiceNotes(resolutions)) io.log(line);
  return { keyring, discoveredKeys: discoverer.discovered, repositories, resolutions };
}

/** One note per virtual name given a provider, the archs that made the same choice named together. */
export function choiceNotes(resolutions: readonly Resolution[]): string[] {
  const byChoice = new Map<string, { choice: ProviderChoice; archs: string[] }>();
  for (const r of resolutions) {
    for (const c of r.choices) {
      const key = JSON.stringify([c.name, c.chosen, c.others, c.requiredBy]);
      const seen = byChoice.get(key);
      if (seen) seen.archs.push(r.arch);
      else byChoice.set(key, { choice: c, archs: [r.arch] });
    }
  }
  return [...byChoice.values()].map(({ choice: c, archs }) => {
    const others = c.others.length > 0 ? `; also provided by ${c.others.join(', ')}` : '';
    return (
      `note: ${archs.join(', ')}: ${c.name} (required by ${c.requiredBy}) has only virtual providers; chose ${c.chosen}${others}. ` +
      `To choose another, add it to contents.packages; --strict-providers refuses instead`
    );
  });
}

/** The repository a resolved package came from. */
export function repositoryOf(world: ResolvedWorld, arch: string, repository: string): LoadedRepository {
  return world.repositories.get(arch)!.find((r) => r.name === repository)!;
}
