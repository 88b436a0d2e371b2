/**
 * `contents.runtime_keyring`: public keys trusted only inside the image,
 * written after the install to /etc/apk/keys/<name> (0644, mtime = build
 * date), in name order. Each must be a single PEM `PUBLIC KEY` holding an
 * RSA key of at least 2048 bits, and none may replace a key already there (apko `pkg/build/build_implementation.go`, the runtime keyring step).
 */
import { publicKeyProblem } from '../apk/key-check';
import { ConfigError } from '../errors';
import type { RuntimeKey } from './options';
import { assertKeyName } from './apk-files';
import type { Tree } from './tree';
import { compareBytes } from '../order';

/** The same rule as every trusted key (engine/apk/key-check.ts): one PEM PUBLIC KEY, RSA, at least 2048 bits, nothing private. */
function assertRsaPublicKey(key: RuntimeKey): void {
  const problem = publicKeyProblem(key.content);
  if (problem !== undefined) throw new ConfigError(`contents.runtime_keyring "${key.name}" ${problem.problem}`, { path: `contents.runtime_keyring`, hint: problem.hint });
}

/** Writes the runtime keys; a name already in /etc/apk/keys is a ConfigError. */
export function installRuntimeKeyring(tree: Tree, keys: readonly RuntimeKey[], buildDate: number): void {
  const sorted = [...keys].sort((a, b) => compareBytes(a.name, b.name));
  for (const key of sorted) {
    assertKeyName(key.name, 'contents.runtime_keyring');
    assertRsaPublicKey(key);
    const path = `etc/apk/keys/${key.name}`;
    if (tree.get(path)) {
      throw new ConfigError(`contents.runtime_keyring "${key.name}" collides with /${path}, which is already in the image`, {
        hint: 'rename the runtime key, or drop it if the keyring already installs it',
      });
    }
    tree.writeFile(path, key.content, { mtime: buildDate });
  }
}
