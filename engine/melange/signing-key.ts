/**
 * The one reader of melange signing keys, for every verb that signs (build,
 * index, sign-index) and the Nx package executor, so a missing or wrong key
 * reads the same everywhere. The name signatures carry is the file's base
 * name plus `.pub` (`melange.rsa` signs as `.SIGN.RSA256.melange.rsa.pub`),
 * as melange does; the `.pub` is added where the key is used.
 *
 * The key for a configured path (`melange.rsa`) comes from the first of:
 *  1. `APKO_NX_SIGNING_KEY`: the PEM itself (CI secrets as variables);
 *  2. `APKO_NX_SIGNING_KEY_FILE`: the path of a secret file (CI secret mounts);
 *  3. the configured file;
 *  4. the local key beside it (`melange.local.rsa`): a developer's own,
 *     git-ignored key for building without the workspace key; it signs under
 *     its own name, so only builds that trust `melange.local.rsa.pub` accept
 *     what it signs, and nothing it signs passes for the workspace key's.
 * 1 and 2 sign under the configured name, and must be the private half of
 * the committed `<path>.pub` when it is there. A key's text is never echoed.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { publicKeyFromPrivate } from '../apk/keys';
import { signingKeyProblem } from '../apk/key-check';
import { ConfigError } from '../errors';

/** A private key and the name its signatures carry (`melange.rsa`, or `melange.rsa.pub` once normalized). */
export interface MelangeSigningKey {
  readonly privateKeyPem: string;
  readonly keyName: string;
  /** The file it was read from (hidden from build steps), when it came from one. */
  readonly file?: string;
}

/** The variable holding the private key's PEM. */
export const SIGNING_KEY_ENV = 'APKO_NX_SIGNING_KEY';
/** The variable holding the path of a file with the private key. */
export const SIGNING_KEY_FILE_ENV = 'APKO_NX_SIGNING_KEY_FILE';

/** What to do when no source has a key: the workspace key in CI, or a key of one's own. */
const CREATE_HINT =
  'create it with `apko-nx melange keygen` (in an Nx workspace: `nx g @apko/nx:init`), or pass the path of an existing RSA private key; ' +
  `in CI, set ${SIGNING_KEY_ENV} to the key's PEM (or ${SIGNING_KEY_FILE_ENV} to a secret file); ` +
  'without the workspace key, make your own beside it with `apko-nx melange keygen <name>.local` (see docs/release-and-keys.md)';

/** `melange.rsa` → `melange.local.rsa`: the git-ignored key of one's own that stands in for `path`. */
export function localSigningKeyPath(path: string): string {
  return path.endsWith('.rsa') ? `${path.slice(0, -'.rsa'.length)}.local.rsa` : `${path}.local.rsa`;
}

/** Checks a private key's text; `subject` names where it came from (a path, or a variable), never its content. */
function checkedPem(privateKeyPem: string, subject: string, given: string): string {
  if (!privateKeyPem.includes('PRIVATE KEY-----') && privateKeyPem.includes('PUBLIC KEY-----')) {
    throw new ConfigError(`the signing key ${subject} is a public key; signing needs the private half`, {
      file: subject,
      hint: `pass the private key (${given.replace(/\.pub$/, '')}), not the public one (${given}), which goes in the images' keyring`,
    });
  }
  // The same rule as every trusted key (engine/apk/key-check.ts): what this key
  // signs must verify against a keyring, which refuses weak and non-RSA keys.
  const problem = signingKeyProblem(privateKeyPem);
  if (problem !== undefined) throw new ConfigError(`the signing key ${subject} ${problem.problem}`, { file: subject, hint: problem.hint });
  return privateKeyPem;
}

/** A key from the environment must be the one the committed public key names, or every build would fail to verify later. */
function checkMatchesCommitted(privateKeyPem: string, subject: string, path: string, cwd: string): void {
  let committed: string;
  try {
    committed = readFileSync(resolve(cwd, `${path}.pub`), 'utf8');
  } catch {
    return; // no committed public key to agree with
  }
  if (publicKeyFromPrivate(privateKeyPem).trim() !== committed.trim()) {
    throw new ConfigError(`${subject} is not the private half of ${path}.pub`, {
      file: `${path}.pub`,
      hint: `set ${subject} to the private key whose public half is committed as ${path}.pub, or unset it to use ${path}`,
    });
  }
}

/**
 * Nx hashes builds by the local public key (a task input): without it, a
 * local-key build would hash as a workspace-key one and could be served
 * from a shared cache as such. So the local key is used only with its
 * matching `.pub` beside it.
 */
function checkLocalPublicKey(privateKeyPem: string, local: string, cwd: string): void {
  const hint = `restore ${local}.pub, or make a new pair with \`apko-nx melange keygen ${local.replace(/\.rsa$/, '')} --force\`: builds are told apart from workspace-key builds by that public key`;
  let pub: string;
  try {
    pub = readFileSync(resolve(cwd, `${local}.pub`), 'utf8');
  } catch (err) {
    throw new ConfigError(`the local signing key ${local} has no public key ${local}.pub beside it`, { file: `${local}.pub`, cause: err, hint });
  }
  if (publicKeyFromPrivate(privateKeyPem).trim() !== pub.trim()) throw new ConfigError(`${local}.pub is not the public half of ${local}`, { file: `${local}.pub`, hint });
}

type Read = { readonly text: string } | { readonly missing: true };

/** Reads a key file: a missing file lets the next source answer; any other failure is an error about it. */
function readKeyFile(file: string, subject: string): Read {
  try {
    return { text: readFileSync(file, 'utf8') };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    throw new ConfigError(`cannot read the signing key ${subject}`, { file: subject, cause: err, hint: CREATE_HINT });
  }
}

/** The private key for `path` (relative to `cwd`) from the first source that has one; errors name `path` as the user gave it. */
export function readSigningKey(path: string, opts: { readonly cwd: string; readonly env?: Readonly<Record<string, string | undefined>> }): MelangeSigningKey {
  const env = opts.env ?? process.env;
  const keyName = basename(resolve(opts.cwd, path));
  const inline = env[SIGNING_KEY_ENV];
  if (inline !== undefined && inline.trim() !== '') {
    const pem = checkedPem(inline, SIGNING_KEY_ENV, keyName);
    checkMatchesCommitted(pem, SIGNING_KEY_ENV, path, opts.cwd);
    return { privateKeyPem: pem, keyName };
  }
  const secretFile = env[SIGNING_KEY_FILE_ENV];
  if (secretFile !== undefined && secretFile !== '') {
    const subject = `${SIGNING_KEY_FILE_ENV} (${secretFile})`;
    const read = readKeyFile(resolve(opts.cwd, secretFile), subject);
    if ('missing' in read) throw new ConfigError(`${subject} does not exist`, { file: secretFile, hint: `point ${SIGNING_KEY_FILE_ENV} at the file the CI secret is written to, or unset it` });
    const pem = checkedPem(read.text, subject, basename(secretFile));
    checkMatchesCommitted(pem, subject, path, opts.cwd);
    return { privateKeyPem: pem, keyName, file: resolve(opts.cwd, secretFile) };
  }
  const file = resolve(opts.cwd, path);
  const configured = readKeyFile(file, path);
  if ('text' in configured) return { privateKeyPem: checkedPem(configured.text, path, basename(path)), keyName, file };
  const local = localSigningKeyPath(path);
  const localFile = resolve(opts.cwd, local);
  const own = readKeyFile(localFile, local);
  if ('text' in own) {
    const pem = checkedPem(own.text, local, basename(local));
    checkLocalPublicKey(pem, local, opts.cwd);
    return { privateKeyPem: pem, keyName: basename(localFile), file: localFile };
  }
  throw new ConfigError(`cannot read the signing key ${path}`, {
    file: path,
    cause: new Error(`tried, in order: ${SIGNING_KEY_ENV} (unset), ${SIGNING_KEY_FILE_ENV} (unset), ${path} (no such file), ${local} (no such file)`),
    hint: CREATE_HINT,
  });
}
