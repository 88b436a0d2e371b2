/**
 * One run's key discovery: discovers at most once per repository and arch,
 * adds what it finds to the run's keyring (so it is written to
 * /etc/apk/keys, as apko writes discovered keys, and later repositories
 * trust it too), keeps the list for the lock file, and says on the log
 * which keys it found for which repository. A failed discovery is a warning:
 * the index's own signature error then says what to configure.
 */
import { ApkoError } from '../errors';
import { withoutCredentials } from '../redact';
import type { DiscoveredKey } from './discovered-key';
import { discoverKeys, type KeyDiscoveryOptions } from './discover-keys';

/** What a run discovered, and the hook loadRepository calls. */
export interface KeyDiscoverer {
  /** The hook for one repository (as configured, without its tag) and arch. */
  forRepository(repository: string, arch: string): (signedWith: readonly string[]) => Promise<ReadonlyMap<string, string>>;
  /** Every key discovered so far, in discovery order, one entry per file name. */
  readonly discovered: readonly DiscoveredKey[];
}

const SOURCE_WORDS: Record<DiscoveredKey['source'], string> = {
  bundled: 'bundled with apko-nx',
  'alpine-releases': "from Alpine's releases.json",
  'apk-configuration': 'from its apk-configuration',
};

/** A discoverer that adds to `keyring` (the run's keyring, by file name). */
export function createKeyDiscoverer(keyring: Map<string, string>, opts: KeyDiscoveryOptions, log: (line: string) => void): KeyDiscoverer {
  const discovered = new Map<string, DiscoveredKey>();
  const done = new Map<string, Promise<ReadonlyMap<string, string>>>();
  const run = async (repository: string, arch: string, signedWith: readonly string[]): Promise<ReadonlyMap<string, string>> => {
    const shown = withoutCredentials(repository);
    let keys: DiscoveredKey[];
    try {
      keys = await discoverKeys(repository, arch, signedWith, opts);
    } catch (err) {
      const why = err instanceof ApkoError || err instanceof Error ? err.message : String(err);
      log(`warning: key discovery for ${shown} (${arch}) failed: ${why}`);
      return new Map();
    }
    for (const k of keys) {
      keyring.set(k.name, k.pem);
      if (!discovered.has(k.name)) discovered.set(k.name, k);
    }
    if (keys.length > 0) {
      const bySource = new Map<string, string[]>();
      for (const k of keys) bySource.set(k.source, [...(bySource.get(k.source) ?? []), k.name]);
      const parts = [...bySource].map(([source, names]) => `${names.join(', ')} (${SOURCE_WORDS[source as DiscoveredKey['source']]})`);
      log(`note: ${shown} (${arch}) is signed by a key not in the keyring; trusting discovered key${keys.length > 1 ? 's' : ''} ${parts.join('; ')}`);
    }
    return new Map(keys.map((k) => [k.name, k.pem]));
  };
  return {
    forRepository: (repository, arch) => (signedWith) => {
      const id = `${repository}\n${arch}`;
      let p = done.get(id);
      if (!p) done.set(id, (p = run(repository, arch, signedWith)));
      return p;
    },
    get discovered() {
      return [...discovered.values()];
    },
  };
}
