/**
 * The one reader of melange signing keys, for every verb that signs (build,
 * index, sign-index) and the Nx package executor, so a missing or wrong key
 * reads the same everywhere. The name signatures carry is the file's base
 * name plus `.pub` (`melange.rsa` signs as `.SIGN.RSA256.melange.rsa.pub`),
 * as melange does; the `.pub` is added where the key is used.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { signingKeyProblem } from '../apk/key-check';
import { ConfigError } from '../errors';

/** A private key and the name its signatures carry (`melange.rsa`, or `melange.rsa.pub` once normalized). */
export interface MelangeSigningKey {
  readonly privateKeyPem: string;
  readonly keyName: string;
}

/** What to create when the key is missing: both ways of making the workspace key. */
const CREATE_HINT =
  'create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`), or pass the path of an existing RSA private key (in CI, write it from a secret first)';

/** The private key at `path` (relative to `cwd`); errors name `path` as the user gave it. */
export function readSigningKey(path: string, opts: { readonly cwd: string }): MelangeSigningKey {
  const file = resolve(opts.cwd, path);
  let privateKeyPem: string;
  try {
    privateKeyPem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read the signing key ${path}`, { file: path, cause: err, hint: CREATE_HINT });
  }
  if (!privateKeyPem.includes('PRIVATE KEY-----') && privateKeyPem.includes('PUBLIC KEY-----')) {
    const given = basename(path);
    throw new ConfigError(`the signing key ${path} is a public key; signing needs the private half`, {
      file: path,
      hint: `pass the private key (${given.replace(/\.pub$/, '')}), not the public one (${given}), which goes in the images' keyring`,
    });
  }
  // The same rule as every trusted key (engine/apk/key-check.ts): what this key
  // signs must verify against a keyring, which refuses weak and non-RSA keys.
  const problem = signingKeyProblem(privateKeyPem);
  if (problem !== undefined) {
    throw new ConfigError(`the signing key ${path} ${problem.problem}`, { file: path, hint: problem.hint });
  }
  return { privateKeyPem, keyName: basename(file) };
}
