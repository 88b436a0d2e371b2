/**
 * `melange keygen`: an RSA key pair written as `<name>.rsa` (PKCS#1
 * `RSA PRIVATE KEY` PEM, mode 0600) and `<name>.rsa.pub` (PKIX `PUBLIC KEY`
 * PEM, 0644), at least 2048 bits (a smaller key is refused before anything is
 * written, as every keyring would refuse it). Existing files are never overwritten unless asked: losing a
 * signing key orphans every index signed with it.
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, keyBaseName } from '../apk/keys';
import { OutputError } from '../errors';

/** What keygen wrote. */
export interface KeygenResult {
  readonly privateKeyPath: string;
  readonly publicKeyPath: string;
  /** The public key's file name, which signatures carry (e.g. `melange.rsa.pub`). */
  readonly keyName: string;
}

/** Writes `data` to `path` with `mode` from the start (no window with wider permissions), atomically. */
async function writeWithMode(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await fsp.writeFile(tmp, data, { mode, flag: 'wx' });
    await fsp.chmod(tmp, mode);
    await fsp.rename(tmp, path);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
}

/** Generates a key pair named `name` (default `melange`) in `dir`. */
export async function melangeKeygen(
  name = 'melange',
  dir = '.',
  opts: { bits?: number; force?: boolean } = {},
): Promise<KeygenResult> {
  const base = keyBaseName(name);
  const privateKeyPath = join(dir, `${base}.rsa`);
  const publicKeyPath = join(dir, `${base}.rsa.pub`);
  if (opts.force !== true) {
    for (const p of [privateKeyPath, publicKeyPath]) {
      const exists = await fsp.lstat(p).then(() => true, () => false);
      if (exists) throw new OutputError(`${p} already exists; not overwriting a signing key`, { file: p, hint: 'choose another name, or pass force to replace it' });
    }
  }
  const pair = generateKeyPair(base, opts.bits ?? 4096);
  await fsp.mkdir(dir, { recursive: true });
  await writeWithMode(privateKeyPath, pair.privateKeyPem, 0o600);
  await writeWithMode(publicKeyPath, pair.publicKeyPem, 0o644);
  return { privateKeyPath, publicKeyPath, keyName: pair.publicKeyName };
}
