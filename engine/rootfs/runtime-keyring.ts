/**
 * `contents.runtime_keyring`: public keys trusted only inside the image,
 * written after the install to /etc/apk/keys/<name> (0644, mtime = build
 * date), in name order. Each must be a single PEM `PUBLIC KEY` holding an
 * RSA key, and none may replace a key already there (apko `pkg/build/build_implementation.go`, the runtime keyring step).
 */
import { createPublicKey } from 'node:crypto';
import { ConfigError } from '../errors';
import type { RuntimeKey } from './options';
import { assertKeyName } from './apk-files';
import type { Tree } from './tree';
import { compareBytes } from '../order';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function assertRsaPublicKey(key: RuntimeKey): void {
  const blocks = [...key.content.matchAll(PEM_BLOCK)];
  const where = `contents.runtime_keyring "${key.name}"`;
  const hint = 'paste the key as written by "openssl rsa -pubout": one -----BEGIN PUBLIC KEY----- block';
  if (blocks.length !== 1 || blocks[0]![1] !== 'PUBLIC KEY') {
    throw new ConfigError(`${where} must be exactly one PEM PUBLIC KEY block, found ${blocks.map((b) => b[1]).join(', ') || 'none'}`, { hint });
  }
  let type: string | undefined;
  try {
    type = createPublicKey(blocks[0]![0]).asymmetricKeyType;
  } catch (cause) {
    throw new ConfigError(`${where} is not a readable public key`, { hint, cause });
  }
  if (type !== 'rsa') throw new ConfigError(`${where} is an ${type} key; apk only verifies RSA keys`, { hint });
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
