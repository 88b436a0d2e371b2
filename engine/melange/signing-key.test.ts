import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '../apk/keys';
import { ConfigError } from '../errors';
import { localSigningKeyPath, readSigningKey } from './signing-key';

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
      readSigningKey(path, { cwd: dir, env: {} });
    } catch (err) {
      return err as ConfigError;
    }
    throw new Error(`${path} was read`);
  };

  it('reads the private key relative to cwd and names it by its file', () => {
    expect(readSigningKey('melange.rsa', { cwd: dir, env: {} })).toEqual({ privateKeyPem: key.privateKeyPem, keyName: 'melange.rsa', file: join(dir, 'melange.rsa') });
  });

  it('names the missing file as given and says how to create it, for the CLI and Nx alike', () => {
    const err = failure('keys/none.rsa');
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.code).toBe('ECONFIG');
    expect(err.message).toBe('cannot read the signing key keys/none.rsa');
    expect(err.file).toBe('keys/none.rsa');
    expect((err.cause as Error).message).toBe(
      'tried, in order: APKO_NX_SIGNING_KEY (unset), APKO_NX_SIGNING_KEY_FILE (unset), keys/none.rsa (no such file), keys/none.local.rsa (no such file)',
    );
    expect(err.hint).toBe(
      'create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`), or pass the path of an existing RSA private key; ' +
        'in CI, set APKO_NX_SIGNING_KEY to the key\'s PEM (or APKO_NX_SIGNING_KEY_FILE to a secret file); ' +
        'without the workspace key, make your own beside it with `apko-nx melange keygen <name>.local` (see docs/release-and-keys.md)',
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

describe('readSigningKey: where the key comes from', () => {
  let dir: string;
  let workspace: KeyPair;
  let other: KeyPair;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'signing-key-sources-'));
    workspace = generateKeyPair('melange', 2048);
    other = generateKeyPair('melange.local', 2048);
    // A teammate's checkout: the committed public key, no private key.
    writeFileSync(join(dir, 'melange.rsa.pub'), workspace.publicKeyPem);
    writeFileSync(join(dir, 'ci-secret.pem'), workspace.privateKeyPem);
  });

  const failure = (env: Record<string, string>, path = 'melange.rsa'): ConfigError => {
    try {
      readSigningKey(path, { cwd: dir, env });
    } catch (err) {
      return err as ConfigError;
    }
    throw new Error(`${path} was read`);
  };

  it('names the local key beside the workspace key', () => {
    expect(localSigningKeyPath('melange.rsa')).toBe('melange.local.rsa');
    expect(localSigningKeyPath('keys/acme')).toBe('keys/acme.local.rsa');
  });

  it('takes APKO_NX_SIGNING_KEY first, signing under the configured name, from no file', () => {
    const k = readSigningKey('melange.rsa', { cwd: dir, env: { APKO_NX_SIGNING_KEY: workspace.privateKeyPem, APKO_NX_SIGNING_KEY_FILE: '/nonexistent' } });
    expect(k).toEqual({ privateKeyPem: workspace.privateKeyPem, keyName: 'melange.rsa' });
  });

  it('takes APKO_NX_SIGNING_KEY_FILE next, under the configured name, and remembers the file so build steps cannot read it', () => {
    const k = readSigningKey('melange.rsa', { cwd: dir, env: { APKO_NX_SIGNING_KEY_FILE: 'ci-secret.pem' } });
    expect(k).toEqual({ privateKeyPem: workspace.privateKeyPem, keyName: 'melange.rsa', file: join(dir, 'ci-secret.pem') });
    const missing = failure({ APKO_NX_SIGNING_KEY_FILE: 'gone.pem' });
    expect(missing.message).toBe('APKO_NX_SIGNING_KEY_FILE (gone.pem) does not exist');
    expect(missing.hint).toContain('point APKO_NX_SIGNING_KEY_FILE at the file the CI secret is written to');
  });

  it('refuses a key from the environment that is not the private half of the committed public key, never echoing it', () => {
    const err = failure({ APKO_NX_SIGNING_KEY: other.privateKeyPem });
    expect(err.message).toBe('APKO_NX_SIGNING_KEY is not the private half of melange.rsa.pub');
    expect(err.hint).toBe('set APKO_NX_SIGNING_KEY to the private key whose public half is committed as melange.rsa.pub, or unset it to use melange.rsa');
    const notAKey = failure({ APKO_NX_SIGNING_KEY: 'hunter2 is not a key' });
    expect(notAKey.message).toBe('the signing key APKO_NX_SIGNING_KEY is not a PEM private key');
    for (const e of [err, notAKey]) expect(`${e.message}\n${e.hint}`).not.toContain('PRIVATE KEY');
    expect(`${notAKey.message}\n${notAKey.hint}`).not.toContain('hunter2');
  });

  it('falls back to the local key when the workspace key is absent; it signs under its own name', () => {
    const local = mkdtempSync(join(tmpdir(), 'signing-key-local-'));
    writeFileSync(join(local, 'melange.rsa.pub'), workspace.publicKeyPem);
    writeFileSync(join(local, 'melange.local.rsa'), other.privateKeyPem);
    // Without its public half (the task input that keeps local-key builds apart in the cache) it is refused.
    const unpaired = (() => {
      try {
        readSigningKey('melange.rsa', { cwd: local, env: {} });
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('read');
    })();
    expect(unpaired.message).toBe('the local signing key melange.local.rsa has no public key melange.local.rsa.pub beside it');
    expect(unpaired.hint).toContain('`apko-nx melange keygen melange.local --force`');
    writeFileSync(join(local, 'melange.local.rsa.pub'), workspace.publicKeyPem);
    expect(() => readSigningKey('melange.rsa', { cwd: local, env: {} })).toThrow('melange.local.rsa.pub is not the public half of melange.local.rsa');
    writeFileSync(join(local, 'melange.local.rsa.pub'), other.publicKeyPem);
    expect(readSigningKey('melange.rsa', { cwd: local, env: {} })).toEqual({ privateKeyPem: other.privateKeyPem, keyName: 'melange.local.rsa', file: join(local, 'melange.local.rsa') });
    // The workspace key, once present, wins over the local one.
    writeFileSync(join(local, 'melange.rsa'), workspace.privateKeyPem);
    expect(readSigningKey('melange.rsa', { cwd: local, env: {} }).keyName).toBe('melange.rsa');
  });
});
