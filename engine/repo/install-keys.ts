/**
 * `install-keys` (apko `internal/cli/install-keys.go`): for every repository
 * in a root's /etc/apk/repositories, discover the keys it publishes and
 * write each to the root's /etc/apk/keys/<name> (0644), so apk-tools in that
 * root trusts them. apko asks each repository's apk-configuration; a
 * repository whose URL names an Alpine release gets that release's keys from
 * Alpine's releases.json as well (engine/repo/discover-keys.ts).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostArch, parseArch } from '../arch';
import { ConfigError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { withoutCredentials } from '../redact';
import { defaultCacheDir } from '../store/dir';
import { openStore } from '../store/store';
import { networkKeys, type KeyDiscoveryOptions } from './discover-keys';
import { createHttpClient, type HttpClient } from './http';
import { parseRepository } from './repository';

/** What install-keys is given. */
export interface InstallKeysRequest {
  /** The root whose /etc/apk/repositories is read and /etc/apk/keys written (default `/`, as apko). */
  readonly root?: string;
  readonly cacheDir?: string;
  readonly offline?: boolean;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** Tests inject a client with small timeouts. */
  readonly http?: HttpClient;
  readonly alpineReleasesUrl?: string;
}

/** One key written. */
export interface InstalledKey {
  readonly repository: string;
  readonly name: string;
  readonly path: string;
}

/** The repositories of an /etc/apk/repositories text: one a line, `#` comments and blank lines skipped, `@tag` prefixes dropped. */
export function repositoriesOf(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => parseRepository(l).url);
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Discovers and writes the keys of every repository of the root. */
export async function installKeys(req: InstallKeysRequest = {}): Promise<InstalledKey[]> {
  const root = req.root ?? '/';
  const env = req.env ?? process.env;
  const log = req.log ?? (() => undefined);
  const reposFile = join(root, 'etc/apk/repositories');
  const text = await readText(reposFile);
  if (text === undefined) {
    throw new ConfigError(`${reposFile} does not exist, so there are no repositories to install keys for`, { file: reposFile, hint: 'name the root that holds etc/apk/repositories with --root' });
  }
  // The arch the root's apk uses: its /etc/apk/arch, else this machine's (as apko's apk.New).
  const archText = (await readText(join(root, 'etc/apk/arch')))?.trim();
  const arch = archText ? parseArch(archText, join(root, 'etc/apk/arch')).apk : hostArch().apk;
  const opts: KeyDiscoveryOptions = {
    http: req.http ?? createHttpClient({ env }),
    store: openStore(defaultCacheDir({ ...(req.cacheDir !== undefined ? { cacheDir: req.cacheDir } : {}), env, ...(req.cwd ? { cwd: req.cwd } : {}) })),
    env,
    ...(req.offline ? { offline: true } : {}),
    ...(req.alpineReleasesUrl !== undefined ? { alpineReleasesUrl: req.alpineReleasesUrl } : {}),
  };
  const keysDir = join(root, 'etc/apk/keys');
  const written: InstalledKey[] = [];
  for (const repository of repositoriesOf(text)) {
    const keys = await networkKeys(repository, arch, opts);
    if (keys.length === 0) continue;
    await mkdir(keysDir, { recursive: true, mode: 0o755 });
    for (const k of keys) {
      const path = join(keysDir, k.name);
      await writeFileAtomic(path, k.pem, 0o644);
      written.push({ repository: withoutCredentials(repository), name: k.name, path });
      log(`wrote ${path} (for ${withoutCredentials(repository)})`);
    }
  }
  return written;
}
