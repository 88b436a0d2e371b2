/**
 * RSA signing keys as abuild and melange make them: `<name>.rsa` (PKCS#1
 * `RSA PRIVATE KEY` PEM) and `<name>.rsa.pub` (PKIX `PUBLIC KEY` PEM). The key
 * name embedded in signatures is the public key's file name.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ConfigError } from '../errors';
import { MIN_RSA_KEY_BITS } from './key-check';

/** A generated key pair and the names its files take. */
export interface KeyPair {
  /** Base name, e.g. `melange` for `melange.rsa` / `melange.rsa.pub`. */
  readonly name: string;
  /** The public key's file name, which signatures embed. */
  readonly publicKeyName: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/** Strips `.rsa`, `.rsa.pub` or `.pub` so that any of the three spellings name the same key. */
export function keyBaseName(name: string): string {
  return name.replace(/\.pub$/, '').replace(/\.rsa$/, '');
}

/** Generates an RSA key pair (4096 bits unless told otherwise; never fewer than 2048, which every keyring would refuse). */
export function generateKeyPair(name: string, bits = 4096): KeyPair {
  const base = keyBaseName(name);
  if (!Number.isSafeInteger(bits) || bits < MIN_RSA_KEY_BITS) {
    const why = Number.isSafeInteger(bits) ? `a ${bits}-bit RSA key is too weak to trust` : 'the key size is not a whole number of bits';
    throw new ConfigError(`cannot make the key ${base}: ${why}`, {
      hint: `use a key size of at least ${MIN_RSA_KEY_BITS} bits (4096, the default, or 2048)`,
    });
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { name: base, publicKeyName: `${base}.rsa.pub`, privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** The PKIX public key PEM that belongs to a private key PEM. */
export function publicKeyFromPrivate(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}
