/** A public key that was not configured but found for a repository, and the file name it may take. */
import { FormatError } from '../errors';

/** Where a discovered key came from. */
export type KeySource = 'bundled' | 'alpine-releases' | 'apk-configuration';

/** One discovered key: trusted to verify signatures exactly as a configured key is. */
export interface DiscoveredKey {
  /** The key's file name: the name signatures carry and its name under /etc/apk/keys. */
  readonly name: string;
  /** Where it is published (no credentials): what the lock file records. */
  readonly url: string;
  readonly pem: string;
  readonly source: KeySource;
}

/** A key file name as a remote document chose it: one plain file name, no path and no hidden name. */
const KEY_NAME_RE = /^[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*$/;

/**
 * The name checked before it names a file under /etc/apk/keys: a discovery
 * document is written by the server, so a name such as `../../etc/passwd` is
 * refused here.
 */
export function checkedKeyName(name: string, from: string): string {
  if (!KEY_NAME_RE.test(name) || name.length > 255) {
    throw new FormatError(`${from} names a key ${JSON.stringify(name.slice(0, 100))}, which is not a plain file name`, {
      file: from,
      hint: 'the server publishes a malformed key list; ask its operator, or configure the key in contents.keyring',
    });
  }
  return name;
}
