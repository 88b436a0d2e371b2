/**
 * `melange sign`: signs existing .apk files in place. Each package keeps its
 * control and data sections byte for byte; any signature member it had is
 * replaced by one RSA256 signature over the control member, carrying the
 * key's name plus `.pub` and the mtime of `.PKGINFO` (melange pkg/sign
 * APK). The package is read and verified (datahash, per-file checksums)
 * before it is touched, and replaced atomically.
 */
import { promises as fsp } from 'node:fs';
import { readApkBytes } from '../apk/package-read';
import { signApk } from '../apk/package-write';
import { OutputError } from '../errors';
import { writeFileAtomic } from '../fs/atomic';
import { readSigningKey, type MelangeSigningKey } from './signing-key';

/** Options of `melangeSign`. */
export interface MelangeSignOptions {
  /** Package files to sign in place. */
  readonly apks: readonly string[];
  /** A private key, or the path of one (read by the one signing-key reader, against `cwd`). */
  readonly signingKey: MelangeSigningKey | string;
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** What signing did. */
export interface MelangeSignResult {
  /** The files signed, in the order given. */
  readonly signed: readonly string[];
  /** The public key name the signatures carry, e.g. `melange.rsa.pub`. */
  readonly keyName: string;
}

async function readPackage(apk: string): Promise<Buffer> {
  try {
    return await fsp.readFile(apk);
  } catch (err) {
    throw new OutputError(`cannot read the package ${apk}: ${(err as Error).message}`, { file: apk, cause: err, hint: 'pass the path of an existing .apk file' });
  }
}

/** Signs every package in `o.apks` in place with one key. */
export async function melangeSign(o: MelangeSignOptions): Promise<MelangeSignResult> {
  // The key is read first: a missing key fails before any package is touched.
  const key = typeof o.signingKey === 'string' ? readSigningKey(o.signingKey, { cwd: o.cwd, ...(o.env ? { env: o.env } : {}) }) : o.signingKey;
  const keyName = key.keyName.endsWith('.pub') ? key.keyName : `${key.keyName}.pub`;
  const signer = { privateKeyPem: key.privateKeyPem, keyName };
  // Every package is read and signed before any is written, so one bad file leaves all of them as they were.
  const out: { apk: string; bytes: Buffer }[] = [];
  for (const apk of o.apks) {
    const bytes = await readPackage(apk);
    readApkBytes(bytes, { subject: apk });
    out.push({ apk, bytes: signApk(bytes, signer) });
  }
  for (const { apk, bytes } of out) await writeFileAtomic(apk, bytes);
  return { signed: out.map((x) => x.apk), keyName };
}
