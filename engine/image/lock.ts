/**
 * `apko-nx lock`: resolve every arch, fetch and verify each package, and
 * record exactly what was chosen (member ranges and digests, keys with their
 * contents) in apko's lock file format.
 */
import { basename } from 'node:path';
import { defaultLockPath } from '../defaults';
import type { LoadedConfig } from '../config';
import { writeFileAtomic } from '../fs/atomic';
import { formatLockFile, lockedPackage, makeLockFile, type LockedRepository, type LockFile } from '../lock';
import { withoutCredentials } from '../redact';
import { createHttpClient } from '../repo';
import { openStore } from '../store';
import { loadForBuild } from './load-config';
import type { NormalizedLockRequest, NormalizedResolveRequest } from './request';
import { resolvePackages } from '../fetch';
import { baseWorldsOf } from './base-worlds';

/** apko's `stripURLScheme`: `https://` or `http://` cut off, as its lock names keys and repositories. */
const stripScheme = (url: string): string => url.replace(/^https?:\/\//, '');

function lockedRepos(entries: readonly string[], loaded: LoadedConfig): LockedRepository[] {
  const out: LockedRepository[] = [];
  for (const arch of loaded.archs) {
    for (const entry of entries) {
      const url = withoutCredentials(entry.replace(/^@\S+\s+/, '').replace(/\/+$/, ''));
      // apko names a remote repository without its scheme (`stripURLScheme`), and keeps it in the URL.
      out.push({ name: `${stripScheme(url)}/${arch.apk}`, url: `${url}/${arch.apk}/APKINDEX.tar.gz`, architecture: arch.apk });
    }
  }
  return out;
}

/** Builds the lock file value for a config. */
export async function lockConfig(opts: NormalizedResolveRequest): Promise<{ loaded: LoadedConfig; lock: LockFile }> {
  const loaded = await loadForBuild(opts);
  const { keyring, discoveredKeys, archs } = await resolvePackages(loaded, { store: openStore(opts.cacheDir), offline: opts.offline, log: opts.log, limits: opts.limits, allowUnverifiedData: opts.allowUnverifiedData, http: createHttpClient(opts.fetch), keyDiscovery: { env: opts.env } }, await baseWorldsOf(loaded));
  const c = loaded.config.contents;
  const keys = c.keyring.map((entry) => {
    // Credentials go before the scheme is cut off: without a scheme, userinfo is no longer recognisable as such.
    const url = withoutCredentials(entry);
    return { name: stripScheme(url), url, content: keyring.get(basename(entry)) ?? '' };
  });
  // Discovered keys are locked with their contents too (apko `discoverKeysForLock`), so a locked build needs no discovery.
  const configured = new Set(keys.map((k) => basename(k.url)));
  for (const k of discoveredKeys) {
    if (!configured.has(k.name)) keys.push({ name: stripScheme(k.url), url: k.url, content: k.pem });
  }
  const lock = makeLockFile({
    configName: basename(loaded.file),
    configChecksum: loaded.checksum,
    keyring: keys,
    buildRepositories: lockedRepos(c.buildRepositories, loaded),
    runtimeRepositories: lockedRepos(c.runtimeRepositories, loaded),
    repositories: lockedRepos(c.repositories, loaded),
    // A lock file is committed: it carries no credentials; a locked build takes them from the config again (fetch/locked.ts).
    packages: archs.flatMap((a) => a.packages.map((p, i) => lockedPackage(p, withoutCredentials(a.urls[i]!)))),
  });
  return { loaded, lock };
}

/** Writes the lock file (atomically) and returns where. */
export async function lockImage(opts: NormalizedLockRequest): Promise<{ path: string; lock: LockFile }> {
  const { lock } = await lockConfig(opts);
  const path = opts.output ?? defaultLockPath(opts.config);
  await writeFileAtomic(path, formatLockFile(lock));
  opts.log(`wrote ${path} (${lock.contents.packages.length} packages)`);
  return { path, lock };
}
