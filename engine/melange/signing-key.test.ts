import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { ConfigError } from '../errors';
import { readSigningKey } from './signing-key';

describe('readSigningKey', () => {
  let dir: string;
  let key: KeyPair;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signing-key-'));
    key = generateKeyPair('melange', 2048);
    writeFileSync(join(dir, 'melange.rsa'), key.privateKeyPem);
    writeFileSync(join(dir, 'melange.rsa.pub'), key.publicKeyPem);
    writeFileSync(join(dir, 'notes.txt'), 'not a key\n');
  });

  const failure = (path: string): ConfigError => {
    try {
      readSigningKey(path, { cwd: dir });
    } catch (err) {
      return err as ConfigError;
    }
    throw new Error(`${path} was read`);
  };

  it('reads the private key relative to cwd and names it by its file', () => {
    expect(readSigningKey('melange.rsa', { cwd: dir })).toEqual({ privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa' });
  });

  it('names the missing file as given and says how to create it, for the CLI and Nx alike', () => {
    const err = failure('keys/none.rsa');
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('ECONFIG');
    expect(err.message).toBe('cannot read the signing key keys/none.rsa');
    expect(err.file).toBe('keys/none.rsa');
    expect((err.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(err.hint).toBe(
      'create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`), or pass the path of an existing RSA private key (in CI, write it from a secret first)',
    );
  });

  it('refuses a public key with its own message', () => {
    const err = failure('melange.rsa.pub');
    expect(err.message).toBe('the signing key melange.rsa.pub is a public key; signing needs the private half');
    expect(err.hint).toBe("pass the private key (melange.rsa), not the public one (melange.rsa.pub), which goes in the images' keyring");
  });

  it('refuses a file that holds no PEM private key', () => {
    const err = failure('notes.txt');
    expect(err.message).toBe('the signing key notes.txt is not a PEM private key');
    expect(err.hint).toContain('apko-nx melange keygen');
  });

  it('refuses a weak, a non-RSA and an encrypted private key, naming the file', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const locked = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    writeFileSync(join(dir, 'weak.rsa'), weak);
    writeFileSync(join(dir, 'ec.rsa'), ec);
    writeFileSync(join(dir, 'locked.rsa'), locked);
    expect(failure('weak.rsa').message).toBe('the signing key weak.rsa is a 1024-bit RSA key; keys shorter than 2048 bits are too weak to trust');
    expect(failure('weak.rsa').hint).toMatch(/at least 2048 bits/);
    expect(failure('ec.rsa').message).toBe('the signing key ec.rsa holds a private key of type EC, not RSA; APK signatures are RSA only');
    expect(failure('locked.rsa').message).toBe('the signing key locked.rsa is encrypted with a passphrase');
    for (const f of ['weak.rsa', 'ec.rsa', 'locked.rsa']) expect(failure(f).file).toBe(f);
  });
});
