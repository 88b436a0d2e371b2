/**
 * A resolved build's packages: resolve every arch (world.ts), then fetch and
 * verify each package through the one fetch path before anything reads it.
 */
import pLimit from 'p-limit';
import { readApkBytes } from '../apk/package-read';
import type { Arch, LoadedConfig } from '../config';
import type { Resolution } from '../resolve';
import type { DiscoveredKey } from '../repo';
import { checkPackageIdentity } from './identity';
import { spoolPackage } from './spool-package';
import { DEFAULT_PACKAGE_LIMITS } from './limits';
import { fetchProgress } from './progress';
import { FETCH_CONCURRENCY, fetchPackageBytes, readFetched } from './package';
import type { ArchPackages, PackageIO } from './types';
import { repositoryOf, resolveWorld, withoutBase, type BaseWorld, type ResolvedWorld } from './world';

/** Every arch resolved (packages not fetched yet): enough to name the image's inputs. */
export interface ResolvedArchs {
  readonly keyring: Map<string, string>;
  readonly discoveredKeys: readonly DiscoveredKey[];
  /** Per config arch, its packages in install order (a base image's left out). */
  readonly resolutions: ReadonlyArray<{ readonly arch: Arch; readonly resolution: Resolution }>;
  readonly world: ResolvedWorld;
}

/** Resolves every arch against its repositories. */
export async function resolveArchs(loaded: LoadedConfig, io: PackageIO, base?: ReadonlyMap<string, BaseWorld>): Promise<ResolvedArchs> {
  const world = await resolveWorld(loaded, io, base);
  const resolutions = world.resolutions.map((resolved, i) => {
    const arch = loaded.archs[i]!;
    const b = base?.get(arch.apk);
    return { arch, resolution: b ? withoutBase(resolved, b) : resolved };
  });
  return { keyring: world.keyring, discoveredKeys: world.discoveredKeys, resolutions, world };
}

/** Fetches and verifies each resolved package through the one fetch path. */
export async function fetchResolved(resolved: ResolvedArchs, io: PackageIO): Promise<ArchPackages[]> {
  const limit = pLimit(FETCH_CONCURRENCY);
  const limits = io.limits ?? DEFAULT_PACKAGE_LIMITS;
  const allowUnverifiedData = io.allowUnverifiedData === true;
  const world = resolved.world;
  const archs: ArchPackages[] = [];
  for (const { arch, resolution } of resolved.resolutions) {
    io.log(`${arch.apk}: ${resolution.packages.length} packages`);
    const fetchedOne = fetchProgress(resolution.packages.length, arch.apk, io.log);
    // Results are stored by index, never in completion order.
    const fetched = await Promise.all(
      resolution.packages.map((p) =>
        limit(async () => {
          const repo = repositoryOf(world, arch.apk, p.repository);
          const url = repo.packageUrl(p);
          const bytes = await fetchPackageBytes(repo, p, {
            offline: io.offline,
            maxBytes: limits.maxHttpResponseSize,
            maxControlSize: limits.maxApkControlSize,
            ...(io.store ? { store: io.store } : {}),
            ...(io.http ? { http: io.http } : {}),
          });
          const pkg = await readFetched(url, () => readApkBytes(bytes, {
            subject: url,
            expectedChecksum: p.checksum,
            maxControlSize: limits.maxApkControlSize,
            maxDataSize: limits.maxApkDataSize,
            allowUnverifiedData,
          }), io.store ? { store: io.store, checksum: p.checksum } : undefined);
          checkPackageIdentity(pkg, { name: p.name, version: p.version, arch: p.arch, buildArch: arch.apk }, url, 'the index');
          const kept = io.spool ? spoolPackage(pkg, io.spool) : pkg;
          // Spool writes run in the background; waiting here bounds the inflated bytes they hold.
          await io.spool?.drained();
          if (pkg.pkginfo.datahash === undefined) {
            io.log(`warning: ${p.name}-${p.version} (${url}): no datahash vouches for its data section; installing it because of --allow-unverified-data`);
          }
          fetchedOne();
          return { url, pkg: kept };
        }),
      ),
    );
    archs.push({ arch, resolution, packages: fetched.map((f) => f.pkg), urls: fetched.map((f) => f.url) });
  }
  return archs;
}

/** Resolves every arch, then fetches and verifies each package. */
export async function resolvePackages(loaded: LoadedConfig, io: PackageIO, base?: ReadonlyMap<string, BaseWorld>): Promise<{ keyring: Map<string, string>; discoveredKeys: readonly DiscoveredKey[]; archs: ArchPackages[] }> {
  const resolved = await resolveArchs(loaded, io, base);
  return { keyring: resolved.keyring, discoveredKeys: resolved.discoveredKeys, archs: await fetchResolved(resolved, io) };
}
