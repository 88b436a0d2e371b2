/**
 * Installing from a lock file: no index is read. Each locked package comes
 * through the one fetch path (store, else its locked URL or path; `C:`
 * checksum, size cap, eviction), then is checked against the lock's data
 * digest before anything reads it.
 */
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { readApkBytes, toIndexEntry } from '../apk/package-read';
import { buildRepositories, resolveLocation, type LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import { parseLockFile, type LockedPackage, type LockFile } from '../lock';
import { redactUrl, withoutCredentials } from '../redact';
import type { PackageSource } from '../repo';
import { resolveMultiArch } from '../resolve';
import { checkPackageIdentity } from './identity';
import { DEFAULT_PACKAGE_LIMITS } from './limits';
import { fetchProgress } from './progress';
import { FETCH_CONCURRENCY, fetchVerified, readFetched, type PackageRef } from './package';
import type { ArchPackages, PackageIO } from './types';
import { withoutBase, type BaseWorld } from './world';
import { spoolPackage } from './spool-package';

const REMOTE = /^https?:\/\//i;

/** Reads the lock file and checks it belongs to this config; `relock` is the command the hints name (default `apko-nx lock <config>`). */
export async function readLockFor(loaded: LoadedConfig, lockPath: string, relock = `apko-nx lock ${loaded.file}`): Promise<LockFile> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the lock file ${lockPath}: ${(err as Error).message}`, { file: lockPath, cause: err, hint: `create it with ${relock}` });
  }
  const lock = parseLockFile(text, lockPath);
  if (lock.config && lock.config.checksum !== loaded.checksum) {
    throw new ConfigError(
      `the lock file ${lockPath} was made for another version of ${loaded.file} (config checksum ${lock.config.checksum}, now ${loaded.checksum})`,
      { file: lockPath, hint: `re-run ${relock} to update the lock file` },
    );
  }
  return lock;
}

function sriHex(sri: string): string {
  return Buffer.from(sri.slice(sri.indexOf('-') + 1), 'base64').toString('hex');
}

/**
 * The URL to fetch a locked package from. Lock files carry no credentials,
 * so a package under a configured repository that has them gets them back
 * from the config (HTTP_AUTH applies either way).
 */
function withConfiguredCredentials(url: string, loaded: LoadedConfig): string {
  for (const entry of buildRepositories(loaded.config)) {
    const base = entry.replace(/^@\S+\s+/, '').replace(/\/+$/, '');
    const bare = withoutCredentials(base);
    if (bare !== base && url.startsWith(`${bare}/`)) return `${base}${url.slice(bare.length)}`;
  }
  return url;
}

/** Where a locked package is: its URL, or a local path against the config's directory. */
function lockedRef(p: LockedPackage, loaded: LoadedConfig): PackageRef {
  const source: PackageSource = REMOTE.test(p.url)
    ? { kind: 'http', url: withConfiguredCredentials(p.url, loaded) }
    : { kind: 'local', path: resolveLocation(p.url, loaded.workDir) };
  return { name: p.name, version: p.version, checksum: p.checksum, source, shown: redactUrl(p.url) };
}

/** The packages a lock pins for `arch`, in the lock's order: the arch's own, and noarch ones it has no own build of. */
export function lockedFor(lock: LockFile, arch: string): LockedPackage[] {
  return lock.contents.packages.filter((p) => p.architecture === arch || (p.architecture === 'noarch' && !lock.contents.packages.some((q) => q.name === p.name && q.architecture === arch)));
}

/** Reads and verifies every locked package of `loaded.archs`, and recomputes their install graph. */
export async function lockedPackages(loaded: LoadedConfig, lock: LockFile, io: PackageIO, relock = `apko-nx lock ${loaded.file}`, base?: ReadonlyMap<string, BaseWorld>): Promise<ArchPackages[]> {
  const limit = pLimit(FETCH_CONCURRENCY);
  const limits = io.limits ?? DEFAULT_PACKAGE_LIMITS;
  const fetchOpts = {
    offline: io.offline,
    maxBytes: limits.maxHttpResponseSize,
    maxControlSize: limits.maxApkControlSize,
    ...(io.store ? { store: io.store } : {}),
    ...(io.http ? { http: io.http } : {}),
  };
  const byArch = new Map<string, { p: LockedPackage; bytes: Buffer }[]>();
  for (const arch of loaded.archs) {
    const locked = lockedFor(lock, arch.apk);
    if (locked.length === 0) {
      throw new ConfigError(`the lock file has no packages for ${arch.apk}`, { hint: `re-run ${relock} with archs ${loaded.archs.map((a) => a.apk).join(',')} to lock every architecture` });
    }
    const fetchedOne = fetchProgress(locked.length, arch.apk, io.log);
    const fetchOne = async (p: LockedPackage) => {
      const bytes = await fetchVerified(lockedRef(p, loaded), fetchOpts);
      fetchedOne();
      return { p, bytes };
    };
    byArch.set(arch.apk, await Promise.all(locked.map((p) => limit(() => fetchOne(p)))));
  }
  const repositories = new Map<string, { name: string; entries: ReturnType<typeof toIndexEntry>[] }[]>();
  const verified = new Map<string, ArchPackages['packages'][number]>();
  for (const [arch, items] of byArch) {
    const entries = [];
    for (const { p, bytes } of items) {
      // The lock's own data digest vouches for the data section, checked before the data is inflated.
      const pkg = await readFetched(redactUrl(p.url), () => readApkBytes(bytes, {
        subject: p.url,
        expectedChecksum: p.checksum,
        maxControlSize: limits.maxApkControlSize,
        maxDataSize: limits.maxApkDataSize,
        vouchedData: {
          sha256: sriHex(p.data.checksum),
          by: 'the lock file',
          hint: `the package changed since the lock file was written; re-run ${relock} if the new package is trusted`,
        },
      }), io.store ? { store: io.store, checksum: p.checksum } : undefined);
      checkPackageIdentity(pkg, { name: p.name, version: p.version, arch: p.architecture, buildArch: arch }, redactUrl(p.url), 'the lock file');
      verified.set(`${arch}/${p.name}`, io.spool ? spoolPackage(pkg, io.spool) : pkg);
      await io.spool?.drained();
      entries.push({ ...toIndexEntry(pkg), arch: pkg.pkginfo.arch });
    }
    // On a base image the locked packages' dependencies the base has resolve to the base's packages, which are then left out.
    const b = base?.get(arch);
    repositories.set(arch, [{ name: 'lock', entries }, ...(b ? [{ name: b.name, entries: [...b.entries] }] : [])]);
  }
  // The lock pins every package; resolving the pins again restores the install order and the graph.
  const world = [...new Set(lock.contents.packages.map((p) => `${p.name}=${p.version}`))];
  const resolutions = resolveMultiArch({ repositories, world: world.filter((w) => loaded.archs.every((a) => byArch.get(a.apk)!.some(({ p }) => `${p.name}=${p.version}` === w))), archs: loaded.archs.map((a) => a.apk), autoSelectSingleVirtual: true });
  return resolutions.map((resolved, i) => {
    const arch = loaded.archs[i]!;
    // Install in the lock's order (the order the lock was resolved in), so the database matches an unlocked build.
    const items = byArch.get(arch.apk)!;
    const order = new Map(items.map(({ p }, index) => [p.name, index]));
    const b = base?.get(arch.apk);
    const own = b ? withoutBase(resolved, b) : resolved;
    const resolution = { ...own, packages: [...own.packages].sort((x, y) => order.get(x.name)! - order.get(y.name)!) };
    const packages = resolution.packages.map((r) => verified.get(`${arch.apk}/${r.name}`)!);
    const urls = resolution.packages.map((r) => items[order.get(r.name)!]!.p.url);
    return { arch, resolution, packages, urls };
  });
}
