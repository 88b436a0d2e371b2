/**
 * What makes a key file fit to trust or to sign with, in one place for every
 * path that reads one: the keyring (contents.keyring, --keyring-append, keys
 * fetched by URL, keys embedded in a lock file), contents.runtime_keyring and
 * melange signing keys.
 *
 * A trusted key is copied byte for byte into the image's /etc/apk/keys, so its
 * file must be exactly one PEM `PUBLIC KEY` block (the only form apk-tools'
 * PEM_read_bio_PUBKEY reads) holding an RSA key of at least 2048 bits, and
 * nothing else: no private key, no second block, no stray text that could
 * carry secret material into an image, a lock file or the cache. (Node's
 * createPublicKey happily derives a public key from a private one, which is
 * why the file's shape is checked before its parse.)
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** RSA keys shorter than this are refused as too weak to trust or to sign with. */
export const MIN_RSA_KEY_BITS = 2048;

/** Why a key file is refused and what to do instead. */
export interface KeyProblem {
  /** Completes "<the key file> …", e.g. "is a 512-bit RSA key, …". */
  readonly problem: string;
  readonly hint: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
/** Any armour line of a private key: PKCS#1/#8, encrypted, EC, OpenSSH, DSA … */
const PRIVATE_LABEL = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** PuTTY's private key format carries no PEM armour. */
const PUTTY_PRIVATE = /PuTTY-User-Key-File-\d+:/;

const RSA_HINT = 'use the repository\'s RSA public key (*.rsa.pub), as written by "openssl rsa -pubout" or "apko-nx melange keygen"';

function asText(bytes: Buffer | string): string | undefined {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  // Binary bytes (a DER key, an archive) do not survive the round trip through UTF-8.
  if (typeof bytes !== 'string' && !Buffer.from(text, 'utf8').equals(bytes)) return undefined;
  return text;
}

/** Checks an RSA key object's algorithm and size; `what` is "public" or "private". */
function rsaProblem(key: KeyObject, what: 'public' | 'private'): KeyProblem | undefined {
  if (key.asymmetricKeyType !== 'rsa') {
    return {
      problem: `holds a ${what} key of type ${(key.asymmetricKeyType ?? 'unknown').toUpperCase()}, not RSA; APK signatures are RSA only`,
      hint: what === 'public' ? RSA_HINT : 'sign with an RSA private key (apko-nx melange keygen makes one)',
    };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_KEY_BITS) {
    return {
      problem: `is a ${bits}-bit RSA key; keys shorter than ${MIN_RSA_KEY_BITS} bits are too weak to trust`,
      hint:
        what === 'public'
          ? `ask the repository's owner for a key of at least ${MIN_RSA_KEY_BITS} bits, and drop this one from the keyring`
          : `make a new key of at least ${MIN_RSA_KEY_BITS} bits (apko-nx melange keygen makes 4096), re-sign, and trust its .pub instead`,
    };
  }
  return undefined;
}

/** Why `bytes` is not one RSA public key (PEM, at least 2048 bits) fit for a keyring; undefined when it is. */
export function publicKeyProblem(bytes: Buffer | string): KeyProblem | undefined {
  const text = asText(bytes);
  if (text === undefined) return { problem: 'is binary, not a PEM public key', hint: `${RSA_HINT}; a DER key converts with "openssl pkey -pubin -inform DER -in KEY -pubout"` };
  if (text.trim() === '') return { problem: 'is empty', hint: RSA_HINT };
  if (PRIVATE_LABEL.test(text) || PUTTY_PRIVATE.test(text)) {
    return {
      problem: 'holds a private key, which must never be trusted, copied into an image or cached',
      hint: 'give the public half (the .pub file, e.g. melange.rsa.pub) instead; "openssl rsa -in KEY -pubout" derives it',
    };
  }
  const blocks = [...text.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return { problem: 'is not a PEM key: it has no -----BEGIN PUBLIC KEY----- block', hint: RSA_HINT };
  if (blocks.length > 1) {
    return { problem: `holds ${blocks.length} PEM blocks (${blocks.map((b) => b[1]).join(', ')}); a key file holds exactly one PUBLIC KEY`, hint: 'split it: one key per file' };
  }
  const [block, label] = [blocks[0]![0], blocks[0]![1]!];
  if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE') {
    return { problem: 'is a certificate, not a public key', hint: 'extract its key with "openssl x509 -pubkey -noout -in CERT" (APK keys are RSA public keys)' };
  }
  if (label === 'RSA PUBLIC KEY') {
    return { problem: 'is a PKCS#1 RSA PUBLIC KEY, which apk cannot read', hint: 'convert it with "openssl rsa -RSAPublicKey_in -in KEY -pubout" (a -----BEGIN PUBLIC KEY----- block)' };
  }
  if (label !== 'PUBLIC KEY') return { problem: `is a PEM ${label}, not a public key`, hint: RSA_HINT };
  if (text.replace(block, '').trim() !== '') {
    return { problem: 'has text outside its PEM block', hint: 'a key file holds only its -----BEGIN PUBLIC KEY----- block (it is copied into the image as it is)' };
  }
  let key: KeyObject;
  try {
    key = createPublicKey(block);
  } catch {
    return { problem: 'has a PUBLIC KEY block that does not parse as a key', hint: RSA_HINT };
  }
  return rsaProblem(key, 'public');
}

/** Why `text` is not one RSA private key (PEM, unencrypted, at least 2048 bits) to sign with; undefined when it is. */
export function signingKeyProblem(text: string): KeyProblem | undefined {
  const create = 'create one with "apko-nx melange keygen", or pass the path of an existing RSA private key';
  if (text.trim() === '') return { problem: 'is empty', hint: create };
  if (!PRIVATE_LABEL.test(text)) return { problem: 'is not a PEM private key', hint: create };
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text)) {
    return { problem: 'is encrypted with a passphrase', hint: 'sign with an unencrypted key: "openssl rsa -in KEY -out KEY.rsa" decrypts it (keep it out of version control)' };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    return { problem: 'has a PRIVATE KEY block that does not parse as a key', hint: create };
  }
  return rsaProblem(key, 'private');
}
