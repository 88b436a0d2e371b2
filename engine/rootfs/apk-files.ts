/**
 * The apk configuration files in /etc/apk: `world`, `repositories` and the
 * keyring. Lists are sorted byte-wise and de-duplicated, as apko's sorted
 * sets are, and end with a newline. A repository's credentials are not
 * written: the image names the place, not who fetched from it.
 */
import { ConfigError } from '../errors';
import type { Tree } from './tree';
import { compareBytes } from '../order';
import { withoutCredentials } from '../redact';

function sortedUnique(items: readonly string[]): string[] {
  return [...new Set(items)].sort(compareBytes);
}

/** Writes /etc/apk/world: the pinned package list. */
export function writeWorld(tree: Tree, world: readonly string[]): void {
  tree.writeFile('etc/apk/world', `${sortedUnique(world).join('\n')}\n`);
}

/**
 * Writes /etc/apk/repositories with the runtime repositories. apko fails a
 * build whose list is empty; we write a bare newline and return a warning
 * instead, since an image with no runtime repository is a legitimate choice.
 */
export function writeRepositories(tree: Tree, repositories: readonly string[]): string | undefined {
  // Credentials in a repository URL are for fetching; the image never carries them (engine/redact.ts).
  const repos = sortedUnique(repositories.map(withoutCredentials));
  tree.writeFile('etc/apk/repositories', `${repos.join('\n')}\n`);
  if (repos.length > 0) return undefined;
  return '/etc/apk/repositories is empty: the image has no runtime repository, so apk inside it cannot install anything';
}

/** Rejects key names that would not land directly in /etc/apk/keys. */
export function assertKeyName(name: string, where: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new ConfigError(`${where}: "${name}" is not a usable key file name`, {
      hint: 'a key is stored as /etc/apk/keys/<name>; use a plain file name such as "melange.rsa.pub"',
    });
  }
}

/** Writes each keyring entry to /etc/apk/keys/<name> (0644, root). */
export function writeKeys(tree: Tree, keys: ReadonlyMap<string, string>): void {
  for (const name of sortedUnique([...keys.keys()])) {
    assertKeyName(name, 'contents.keyring');
    tree.writeFile(`etc/apk/keys/${name}`, keys.get(name)!);
  }
}
