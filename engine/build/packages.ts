/**
 * From a loaded config to verified packages per architecture: load the
 * keyring and every build repository's index (verified), resolve all archs
 * together so they share versions, then fetch each package and check it
 * against its index checksum before anything reads it.
 */
import pLimit from 'p-limit';
import type { ApkPackage } from '../apk/package';
import { readApkBytes } from '../apk/package-read';
import type { Arch, LoadedConfig } from '../config';
import { fetchPackageBytes, loadKeyring, loadRepository, type HttpClient, type LoadedRepository } from '../repo';
import { resolveMultiArch, type Resolution, type ResolverRepository } from '../resolve';
import type { Store } from '../store';

/** I/O the package stage is given. */
export interface PackageIO {
  readonly store?: Store;
  readonly offline: boolean;
  readonly http?: HttpClient;
  readonly log: (line: string) => void;
}

/** One architecture's resolved and fetched packages, in install order. */
export interface ArchPackages {
  readonly arch: Arch;
  readonly resolution: Resolution;
  readonly packages: readonly ApkPackage[];
  /** Each package's URL or path as shown to users (credentials redacted). */
  readonly urls: readonly string[];
}

/** Build-time repositories: the sorted union apko uses (§3.1 4b). */
export function buildRepositories(loaded: LoadedConfig): string[] {
  const c = loaded.config.contents;
  return [...new Set([...c.buildRepositories, ...c.repositories])].sort();
}

/** Runtime repositories for /etc/apk/repositories: the sorted union of repositories and runtime_repositories. */
export function runtimeRepositories(loaded: LoadedConfig): string[] {
  const c = loaded.config.contents;
  return [...new Set([...c.repositories, ...c.runtimeRepositories])].sort();
}

const FETCH_CONCURRENCY = 8;

/** The verified indexes and the resolution of every arch, before anything is fetched. */
export interface ResolvedWorld {
  readonly keyring: Map<string, string>;
  readonly repositories: ReadonlyMap<string, readonly LoadedRepository[]>;
  readonly resolutions: readonly Resolution[];
}

/** Loads the keyring and every build repository's index per arch, and resolves all archs together. */
export async function resolveWorld(loaded: LoadedConfig, io: PackageIO): Promise<ResolvedWorld> {
  const cwd = loaded.workDir;
  const keyring = await loadKeyring(loaded.config.contents.keyring, { cwd, offline: io.offline, ...(io.store ? { store: io.store } : {}), ...(io.http ? { http: io.http } : {}) });
  const repoNames = buildRepositories(loaded);
  const repositories = new Map<string, LoadedRepository[]>();
  for (const arch of loaded.archs) {
    const repos: LoadedRepository[] = [];
    for (const repository of repoNames) {
      const repo = await loadRepository({
        repository,
        arch: arch.apk,
        keyring,
        ignoreSignatures: loaded.ignoreSignatures,
        offline: io.offline,
        cwd,
        ...(io.store ? { store: io.store } : {}),
        ...(io.http ? { http: io.http } : {}),
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
  });
  return { keyring, repositories, resolutions };
}

/** The repository a resolved package came from. */
export function repositoryOf(world: ResolvedWorld, arch: string, repository: string): LoadedRepository {
  return world.repositories.get(arch)!.find((r) => r.name === repository)!;
}

/** Resolves every arch, then fetches and verifies each package. */
export async function resolvePackages(loaded: LoadedConfig, io: PackageIO): Promise<{ keyring: Map<string, string>; archs: ArchPackages[] }> {
  const world = await resolveWorld(loaded, io);
  const limit = pLimit(FETCH_CONCURRENCY);
  const archs: ArchPackages[] = [];
  for (const [i, resolution] of world.resolutions.entries()) {
    const arch = loaded.archs[i]!;
    io.log(`${arch.apk}: ${resolution.packages.length} packages`);
    // Results are stored by index, never in completion order.
    const fetched = await Promise.all(
      resolution.packages.map((p) =>
        limit(async () => {
          const repo = repositoryOf(world, arch.apk, p.repository);
          const url = repo.packageUrl(p);
          const bytes = await fetchPackageBytes(repo, p, { offline: io.offline, ...(io.store ? { store: io.store } : {}), ...(io.http ? { http: io.http } : {}) });
          return { url, pkg: readApkBytes(bytes, { subject: url, expectedChecksum: p.checksum }) };
        }),
      ),
    );
    archs.push({ arch, resolution, packages: fetched.map((f) => f.pkg), urls: fetched.map((f) => f.url) });
  }
  return { keyring: world.keyring, archs };
}
