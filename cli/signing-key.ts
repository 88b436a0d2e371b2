/**
 * Reads a `--signing-key` file for the melange verbs. The name signatures
 * carry is the file's base name plus `.pub` (`melange.rsa` signs as
 * `.SIGN.RSA256.melange.rsa.pub`), as melange does.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigError, type IndexSigningKey } from '../engine';

/** The private key at `path` (relative to `cwd`) and the key name its signatures carry. */
export function readSigningKey(path: string, cwd: string): IndexSigningKey {
  const file = resolve(cwd, path);
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the signing key ${path}: ${(err as Error).message}`, {
      file: path,
      cause: err,
      hint: 'create one with `apko-nx melange keygen`, or pass the path of an RSA private key',
    });
  }
  if (!privateKeyPem.includes('PRIVATE KEY-----')) {
    throw new ConfigError(`the signing key ${path} is not a PEM private key`, {
      file: path,
      hint: 'pass the private key (melange.rsa), not the public one (melange.rsa.pub)',
    });
  }
  return { privateKeyPem, keyName: basename(file) };
}
