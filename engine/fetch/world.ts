/**
 * What a build installs, before anything is fetched: the keyring and every
 * build repository's verified index per architecture, and one resolution of
 * all archs together so that they share versions.
 */
import { buildRepositories, type LoadedConfig } from '../config';
import { createHttpClient, createKeyDiscoverer, loadKeyring, loadRepository, parseRepository, type DiscoveredKey, type LoadedRepository } from '../repo';
import { resolveMultiArch, type ProviderChoice, type Resolution, type ResolverRepository } from '../resolve';
import type { IndexEntry } from '../apk/types';
import type { PackageIO } from './types';

/** One arch's base image packages (`contents.baseimage`): the unsigned extra repository and the world pins apko adds. */
export interface BaseWorld {
  /** Names the repository (the base's APKINDEX directory). */
  readonly name: string;
  readonly entries: readonly IndexEntry[];
  /** `name=version` of each base package. */
  readonly pins: readonly string[];
}

/** The verified indexes and the resolution of every arch. */
export interface ResolvedWorld {
  /** The configured keys, and the discovered ones after them. */
  readonly keyring: Map<string, string>;
  /** Keys found for repositories that no configured key verified (engine/repo/discover-keys.ts). */
  readonly discoveredKeys: readonly DiscoveredKey[];
  readonly repositories: ReadonlyMap<string, readonly LoadedRepository[]>;
  readonly resolutions: readonly Resolution[];
  /** Per arch, the base image's packages when building on one. */
  readonly base?: ReadonlyMap<string, BaseWorld>;
}

/** Loads the keyring and every build repository's index per arch, and resolves all archs together. */
export async function resolveWorld(loaded: LoadedConfig, io: PackageIO, base?: ReadonlyMap<string, BaseWorld>): Promise<ResolvedWorld> {
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
    const b = base?.get(arch.apk);
    if (b) repos.push(baseRepository(b, arch.apk));
    repositories.set(arch.apk, repos);
  }
  const resolverRepos = new Map<string, ResolverRepository[]>(
    [...repositories].map(([arch, repos]) => [arch, repos.map((r) => ({ name: r.name, ...(r.tag ? { tag: r.tag } : {}), entries: r.entries }))]),
  );
  const resolutions = base
    ? // On a base image each arch resolves alone (apko's lock does too): the pins of its own base image join its world.
      loaded.archs.flatMap((a) =>
        resolveMultiArch({
          repositories: new Map([[a.apk, resolverRepos.get(a.apk)!]]),
          world: [...loaded.config.contents.packages, ...(base.get(a.apk)?.pins ?? [])],
          archs: [a.apk],
          strictProviders: loaded.strictProviders,
        }),
      )
    : resolveMultiArch({
        repositories: resolverRepos,
        world: loaded.config.contents.packages,
        archs: loaded.archs.map((a) => a.apk),
        strictProviders: loaded.strictProviders,
      });
  for (const line of choiceNotes(resolutions)) io.log(line);
  return { keyring, discoveredKeys: discoverer.discovered, repositories, resolutions, ...(base ? { base } : {}) };
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

/** The base image's packages as a repository: listed for resolution only, never fetched (they are in the base's layers). */
function baseRepository(b: BaseWorld, arch: string): LoadedRepository {
  return {
    name: b.name,
    url: b.name,
    indexUrl: `${b.name}/APKINDEX`,
    arch,
    entries: [...b.entries],
    description: 'base image',
    warnings: [],
    packageUrl: (e) => `${b.name}/${e.name}-${e.version}.apk`,
    packageSource: (e) => {
      throw new Error(`${e.name}-${e.version} is a package of the base image (${b.name}); it is not fetched`);
    },
  };
}

/**
 * apko's ResolveWithBase: a package the base image has (by name) is not
 * installed again, whichever repository it resolved from.
 */
export function withoutBase(r: Resolution, base: BaseWorld): Resolution {
  const inBase = new Set(base.entries.map((e) => e.name));
  const packages = r.packages.filter((p) => !inBase.has(p.name));
  const kept = new Set(packages.map((p) => `${p.name}-${p.version}`));
  return { ...r, packages, edges: r.edges.filter((e) => kept.has(e.to) && (e.from === 'world' || kept.has(e.from))) };
}
