/**
 * Writes APKINDEX.tar.gz the way abuild and melange do, with bytes that depend
 * only on the entries: records sorted, tar headers with mtime 0 and owner
 * root, one deterministic gzip level. The index member is a complete tar (with
 * end-of-archive blocks); the signature member is not (abuild's layout, which
 * apk-tools expects so the two tars read as one stream).
 */
import { FormatError } from '../errors';
import { writeTar } from '../tar/write';
import { gzipMember } from './gzip-members';
import { readSignaturePart } from './index-read';
import { formatIndexText } from './index-text';
import { signBytes, signatureName, type SignatureAlgorithm } from './signature';
import type { IndexEntry } from './types';
import { compareBytes } from '../order';

/** A private key and the public key file name signatures will carry. */
export interface IndexSigningKey {
  /** PKCS#1 or PKCS#8 PEM. */
  readonly privateKeyPem: string;
  /** Public key file name, e.g. `melange.rsa.pub`; a private key name (`melange.rsa`) gets `.pub` appended. */
  readonly keyName: string;
}

/** How to write an index. */
export interface WriteApkIndexOptions {
  /** The `DESCRIPTION` member; empty by default. */
  description?: string;
  /** Sign the index with this key. */
  signingKey?: IndexSigningKey;
  /** `RSA256` (SHA-256, melange's default) or `RSA` (SHA-1, abuild's). */
  algorithm?: SignatureAlgorithm;
}

const ROOT_OWNER = { mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: 0 } as const;
/** The index member's files carry no owner names, as melange's `tar.FileInfoHeader` of an in-memory file leaves them (the signature keeps `root`). */
const INDEX_FILE = { ...ROOT_OWNER, uname: '', gname: '' } as const;

/**
 * Orders records by name, then by version, both as raw UTF-8 bytes (not
 * version order): a plain total order that is the same on every host, and a
 * reader never depends on the order anyway.
 */
export function compareIndexEntries(a: IndexEntry, b: IndexEntry): number {
  return (
    compareBytes(a.name, b.name) ||
    compareBytes(a.version, b.version)
  );
}

function publicKeyName(keyName: string): string {
  return keyName.endsWith('.pub') ? keyName : `${keyName}.pub`;
}

/** The gzip member holding one `.SIGN.<alg>.<key>` entry over `signed` (no end blocks, as abuild writes it). */
function signatureMember(signed: Uint8Array, key: IndexSigningKey, algorithm: SignatureAlgorithm): Buffer {
  const signature = signBytes(signed, key.privateKeyPem, algorithm);
  const name = signatureName(algorithm, publicKeyName(key.keyName));
  return gzipMember(writeTar([{ ...ROOT_OWNER, name, type: 'file', data: signature }], { end: false }));
}

/** Writes an APKINDEX.tar.gz for `entries` (sorted by {@link compareIndexEntries}), signed when a key is given. */
export function writeApkIndex(entries: readonly IndexEntry[], opts: WriteApkIndexOptions = {}): Buffer {
  const sorted = [...entries].sort(compareIndexEntries);
  for (let i = 1; i < sorted.length; i++) {
    if (compareIndexEntries(sorted[i - 1]!, sorted[i]!) === 0) {
      throw new FormatError(`the index would list ${sorted[i]!.name}-${sorted[i]!.version} twice`, {
        hint: 'pass each package once (an index names a package version exactly once)',
      });
    }
  }
  const tar = writeTar([
    { ...INDEX_FILE, name: 'APKINDEX', type: 'file', data: Buffer.from(formatIndexText(sorted), 'utf8') },
    { ...INDEX_FILE, name: 'DESCRIPTION', type: 'file', data: Buffer.from(opts.description ?? '', 'utf8') },
  ]);
  const index = gzipMember(tar);
  if (opts.signingKey === undefined) return index;
  return Buffer.concat([signatureMember(index, opts.signingKey, opts.algorithm ?? 'RSA256'), index]);
}

/**
 * Prepends a signature member to an index (melange sign-index). An index that
 * already carries signatures is returned unchanged unless `force`, in which
 * case its old signature member is dropped and replaced by the new one.
 */
export function signApkIndex(
  bytes: Buffer,
  key: IndexSigningKey,
  opts: { force?: boolean; algorithm?: SignatureAlgorithm; subject?: string } = {},
): Buffer {
  const part = readSignaturePart(bytes, { subject: opts.subject ?? 'APKINDEX.tar.gz' });
  if (part.signatures.length > 0 && opts.force !== true) return bytes;
  const signed = bytes.subarray(part.signedStart);
  return Buffer.concat([signatureMember(signed, key, opts.algorithm ?? 'RSA256'), signed]);
}
