/**
 * RSA signatures as apk-tools and abuild/melange make them: PKCS#1 v1.5 over
 * the raw compressed bytes of the signed gzip member, stored in a tar entry
 * named `.SIGN.RSA.<key>` (SHA-1) or `.SIGN.RSA256.<key>` (SHA-256), where
 * `<key>` is the public key's file name.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { SignatureError } from '../errors';
import { compareBytes } from '../order';

/** The signature algorithms apk-tools verifies. */
export type SignatureAlgorithm = 'RSA' | 'RSA256';

/** One signature found in a signature stream. */
export interface SignatureEntry {
  readonly algorithm: SignatureAlgorithm | 'DSA' | 'RSA512';
  /** The key's file name, e.g. `alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub`. */
  readonly keyName: string;
  readonly signature: Buffer;
}

/** Public keys by file name. */
export type Keyring = ReadonlyMap<string, string>;

const SIGN_RE = /^\.SIGN\.(DSA|RSA|RSA256|RSA512)\.(.+)$/;

/** Parses a `.SIGN.<TYPE>.<key>` tar entry name; undefined when it is not one. */
export function parseSignatureName(name: string, data: Buffer): SignatureEntry | undefined {
  const m = SIGN_RE.exec(name);
  if (!m) return undefined;
  return { algorithm: m[1] as SignatureEntry['algorithm'], keyName: m[2]!, signature: data };
}

/** The tar entry name for a signature made with `keyName`. */
export function signatureName(algorithm: SignatureAlgorithm, keyName: string): string {
  return `.SIGN.${algorithm}.${keyName}`;
}

function hashOf(algorithm: SignatureAlgorithm): 'sha1' | 'sha256' {
  return algorithm === 'RSA' ? 'sha1' : 'sha256';
}

/** Signs `data` (the compressed bytes of the signed member) with a PEM private key. */
export function signBytes(data: Uint8Array, privateKeyPem: string, algorithm: SignatureAlgorithm = 'RSA256'): Buffer {
  return cryptoSign(hashOf(algorithm), data, createPrivateKey(privateKeyPem));
}

/** Looks a key up by its file name, also accepting the name without `.rsa.pub` (as apko does). */
export function findKey(keyring: Keyring, keyName: string): string | undefined {
  return keyring.get(keyName) ?? keyring.get(keyName.replace(/\.rsa\.pub$/, '')) ?? keyring.get(`${keyName}.rsa.pub`);
}

/**
 * Verifies that at least one signature over `data` was made by a key in the
 * keyring. Throws a SignatureError naming the subject, the keys it was signed
 * with and the keys tried.
 */
export function verifySignatures(
  subject: string,
  data: Uint8Array,
  signatures: readonly SignatureEntry[],
  keyring: Keyring,
): { keyName: string; algorithm: SignatureAlgorithm } {
  const signedWith = signatures.map((s) => s.keyName);
  const tried: string[] = [];
  for (const sig of signatures) {
    if (sig.algorithm !== 'RSA' && sig.algorithm !== 'RSA256') continue;
    const pem = findKey(keyring, sig.keyName);
    if (pem === undefined) continue;
    tried.push(sig.keyName);
    let ok = false;
    try {
      ok = cryptoVerify(hashOf(sig.algorithm), data, createPublicKey(pem), sig.signature);
    } catch {
      ok = false;
    }
    if (ok) return { keyName: sig.keyName, algorithm: sig.algorithm };
  }
  const trusted = [...keyring.keys()].sort(compareBytes);
  if (signatures.length === 0) {
    throw new SignatureError(`${subject} is not signed`, {
      subject,
      tried: trusted,
      hint: 'sign it (apko-nx melange sign-index) or pass --ignore-signatures if you trust its source',
    });
  }
  const reason =
    tried.length === 0
      ? `it is signed with ${signedWith.join(', ')}, which is not in the keyring (trusted: ${trusted.join(', ') || 'none'})`
      : `the signature by ${tried.join(', ')} does not verify`;
  throw new SignatureError(`${subject}: no trusted key verifies the signature: ${reason}`, {
    subject,
    signedWith,
    tried: trusted,
    hint: 'add the signing public key to contents.keyring (or -k), or pass --ignore-signatures if you trust this source',
  });
}
