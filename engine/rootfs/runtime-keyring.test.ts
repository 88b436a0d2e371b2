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
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

  it('writes each key 0644 with the build date as mtime', () => {
    const tree = keysTree();
    installRuntimeKeyring(tree, [{ name: 'b.rsa.pub', content: rsa }, { name: 'a.rsa.pub', content: rsa }], 1700000000);
    expect(tree.get('etc/apk/keys/a.rsa.pub')).toMatchObject({ mode: 0o644, mtime: 1700000000 });
    expect(tree.readFile('etc/apk/keys/b.rsa.pub')?.toString()).toBe(rsa);
  });

  it('rejects a key that is not RSA', () => {
    expect(() => installRuntimeKeyring(keysTree(), [{ name: 'ec.pub', content: ec }], 0)).toThrow(
      'contents.runtime_keyring "ec.pub" holds a public key of type EC, not RSA; APK signatures are RSA only',
    );
  });

  it('rejects content that is not exactly one PUBLIC KEY block', () => {
    expect(() => installRuntimeKeyring(keysTree(), [{ name: 'two.pub', content: rsa + rsa }], 0)).toThrow(
      'contents.runtime_keyring "two.pub" holds 2 PEM blocks (PUBLIC KEY, PUBLIC KEY); a key file holds exactly one PUBLIC KEY',
    );
  });

  it('rejects a weak RSA key and a private key, as every trusted key is', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => installRuntimeKeyring(keysTree(), [{ name: 'weak.pub', content: weak }], 0)).toThrow(
      'contents.runtime_keyring "weak.pub" is a 1024-bit RSA key; keys shorter than 2048 bits are too weak to trust',
    );
    const priv = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const tree = keysTree();
    expect(() => installRuntimeKeyring(tree, [{ name: 'leak.pub', content: priv }], 0)).toThrow(/"leak.pub" holds a private key/);
    expect(tree.get('etc/apk/keys/leak.pub')).toBeUndefined();
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
