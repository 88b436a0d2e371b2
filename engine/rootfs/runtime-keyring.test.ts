import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { installRuntimeKeyring } from './runtime-keyring';
import { Tree } from './tree';

function keysTree(): Tree {
  const tree = new Tree();
  tree.mkdirAll('etc/apk/keys');
  return tree;
}

describe('installRuntimeKeyring', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('writes each key 0644 with the build date as mtime', () => {
    const tree = keysTree();
    installRuntimeKeyring(tree, [{ name: 'b.rsa.pub', content: rsa }, { name: 'a.rsa.pub', content: rsa }], 1700000000);
    expect(tree.get('etc/apk/keys/a.rsa.pub')).toMatchObject({ mode: 0o644, mtime: 1700000000 });
    expect(tree.readFile('etc/apk/keys/b.rsa.pub')?.toString()).toBe(rsa);
  });

  it('rejects a key that is not RSA', () => {
    expect(() => installRuntimeKeyring(keysTree(), [{ name: 'ec.pub', content: ec }], 0)).toThrow(
      'contents.runtime_keyring "ec.pub" is an ec key; apk only verifies RSA keys',
    );
  });

  it('rejects content that is not exactly one PUBLIC KEY block', () => {
    expect(() => installRuntimeKeyring(keysTree(), [{ name: 'two.pub', content: rsa + rsa }], 0)).toThrow(
      'contents.runtime_keyring "two.pub" must be exactly one PEM PUBLIC KEY block, found PUBLIC KEY, PUBLIC KEY',
    );
  });

  it('rejects a name that is already in the keyring', () => {
    const tree = keysTree();
    tree.writeFile('etc/apk/keys/k.pub', 'existing');
    let err: unknown;
    try {
      installRuntimeKeyring(tree, [{ name: 'k.pub', content: rsa }], 0);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err).toMatchObject({ code: 'ECONFIG', message: 'contents.runtime_keyring "k.pub" collides with /etc/apk/keys/k.pub, which is already in the image' });
  });
});
