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
  /** `RSA` or `RSA256`, or whatever else the entry name says (`DSA`, `RSA512`, …), which is refused by name. */
  readonly algorithm: SignatureAlgorithm | (string & {});
  /** The key's file name, e.g. `alpine-devel@lists.alpinelinux.org-6165ee59.rsa.pub`. */
  readonly keyName: string;
  readonly signature: Buffer;
}

/** Public keys by file name. */
export type Keyring = ReadonlyMap<string, string>;

/**
 * Any `.SIGN.<TYPE>.<key>` entry is a signature, whatever its type, so that
 * one of an algorithm we do not verify is refused as that (and named) rather
 * than read as index or control content.
 */
const SIGN_RE = /^\.SIGN\.([A-Za-z0-9_-]+)\.([\s\S]+)$/;

/** Parses a `.SIGN.<TYPE>.<key>` tar entry name; undefined when it is not one. */
export function parseSignatureName(name: string, data: Buffer): SignatureEntry | undefined {
  const m = SIGN_RE.exec(name);
  if (!m) return undefined;
  return { algorithm: m[1]!, keyName: m[2]!, signature: data };
}

/** True for the algorithms apk-tools and apko verify: PKCS#1 v1.5 RSA over SHA-1 (`RSA`) or SHA-256 (`RSA256`). */
export function isSupportedAlgorithm(algorithm: string): algorithm is SignatureAlgorithm {
  return algorithm === 'RSA' || algorithm === 'RSA256';
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

/** Longest key name shown as it is; a longer one is cut (a hostile index chooses these names). */
const MAX_SHOWN_NAME = 200;

/**
 * A key name from a signature entry, safe to print: the index's author wrote
 * it, so one holding a line break or a terminal escape is shown quoted, where
 * it cannot pass for a line (a fake `hint:`) of the message.
 */
function shownName(name: string): string {
  const cut = name.length > MAX_SHOWN_NAME ? `${name.slice(0, MAX_SHOWN_NAME)}…` : name;
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(cut) ? JSON.stringify(cut) : cut;
}

/** Why one signature did not vouch for the bytes. */
type Failure = 'unsupported' | 'untrusted' | 'mismatch';

/**
 * Verifies that at least one signature over `data` was made by a key in the
 * keyring; as in apk-tools, one valid trusted signature is enough and the
 * others are not looked at. Throws a SignatureError naming the subject, each
 * signature's key, why none verified, and the keys trusted.
 */
export function verifySignatures(
  subject: string,
  data: Uint8Array,
  signatures: readonly SignatureEntry[],
  keyring: Keyring,
): { keyName: string; algorithm: SignatureAlgorithm } {
  const failures = new Map<Failure, SignatureEntry[]>();
  const fail = (kind: Failure, sig: SignatureEntry) => failures.set(kind, [...(failures.get(kind) ?? []), sig]);
  for (const sig of signatures) {
    if (!isSupportedAlgorithm(sig.algorithm)) {
      fail('unsupported', sig);
      continue;
    }
    const pem = findKey(keyring, sig.keyName);
    if (pem === undefined) {
      fail('untrusted', sig);
      continue;
    }
    let ok = false;
    try {
      ok = cryptoVerify(hashOf(sig.algorithm), data, createPublicKey(pem), sig.signature);
    } catch {
      ok = false;
    }
    if (ok) return { keyName: sig.keyName, algorithm: sig.algorithm };
    fail('mismatch', sig);
  }
  const signedWith = signatures.map((s) => s.keyName);
  const trusted = [...keyring.keys()].sort(compareBytes);
  const trustedList = trusted.join(', ') || 'none';
  if (signatures.length === 0) {
    throw new SignatureError(`${subject} is not signed`, {
      subject,
      tried: trusted,
      hint: 'sign it (apko-nx melange sign-index) or pass --ignore-signatures if you trust its source',
    });
  }
  const keys = (list: readonly SignatureEntry[] | undefined) => (list ?? []).map((s) => shownName(s.keyName)).join(', ');
  const reasons: string[] = [];
  const mismatch = failures.get('mismatch');
  if (mismatch) reasons.push(mismatch.length === 1 ? `the signature by ${keys(mismatch)} does not verify` : `the signatures by ${keys(mismatch)} do not verify`);
  const untrusted = failures.get('untrusted');
  if (untrusted) reasons.push(`it is signed with ${keys(untrusted)}, ${untrusted.length === 1 ? 'which is not' : 'none of which is'} in the keyring (trusted: ${trustedList})`);
  const unsupported = failures.get('unsupported');
  if (unsupported) {
    const each = unsupported.map((s) => `${shownName(`.SIGN.${s.algorithm}.${s.keyName}`)} (${s.algorithm})`).join(', ');
    reasons.push(`its signature ${each} uses an algorithm that is not supported (only RSA and RSA256 are verified)`);
  }
  // The most telling failure decides what to do: bytes that a trusted key did
  // not sign are never waved through, so that hint offers no opt-out.
  const hint = mismatch
    ? `the signed bytes changed after signing, or a key other than the keyring's ${keys(mismatch)} made the signature: re-sign it with the key whose public half is in the keyring (apko-nx melange sign-index), and do not trust it until then`
    : untrusted
      ? 'add the signing public key to contents.keyring (or -k), or pass --ignore-signatures if you trust this source'
      : 're-sign it with an RSA key (apko-nx melange sign-index --signing-key KEY.rsa), or pass --ignore-signatures if you trust this source';
  throw new SignatureError(`${subject}: no trusted key verifies the signature: ${reasons.join('; ')}`, {
    subject,
    signedWith,
    tried: trusted,
    hint,
  });
}
