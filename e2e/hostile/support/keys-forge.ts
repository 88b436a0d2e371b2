/**
 * Hostile keys and signature streams for the keys and signatures cases: key
 * files that are not fit to trust (weak, private, not RSA, not keys at all)
 * and index signature members holding any number of signatures, of any
 * algorithm name, made with any hash, over any bytes, with any byte flipped.
 * Test support only: the engine never imports it.
 */
import { generateKeyPairSync, sign as cryptoSign, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readTar } from '../../../engine/tar/read';
import { writeApkIndex } from '../../../engine/apk/index-write';
import type { IndexEntry } from '../../../engine/apk/types';
import { forgeTar, gzip } from './forge';

/** A PKIX `PUBLIC KEY` PEM of an RSA key of `bits` (any size, unlike the engine's generator). */
export function rsaPair(bits: number): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

export const ecPublicPem = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const ecPrivatePem = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
export const ed25519PublicPem = (): string => generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** A PEM block labelled CERTIFICATE (its body is never parsed: the label alone makes it a certificate, not a key). */
export const CERTIFICATE_PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ2VydGlmaWNhdGUtbm90LWEta2V5MAoGCCqGSM49BAMC\n-----END CERTIFICATE-----\n';

/** One signature in a forged signature member. */
export interface ForgedSignature {
  /** The private key that signs. */
  privatePem: string;
  /** The key name the entry carries (`.SIGN.<algorithm>.<as>`). */
  as: string;
  /** The entry's algorithm name: `RSA`, `RSA256`, `DSA`, `ED25519`, … (default `RSA256`). */
  algorithm?: string;
  /** The digest actually used (default: sha1 for `RSA`, else sha256), so a name can lie about it. */
  hash?: 'sha1' | 'sha256';
  /** Signed bytes other than the index member. */
  over?: Buffer;
  /** Flip one bit of the signature bytes at this offset. */
  flip?: number;
}

/** An index of `entries` behind one signature member holding every given signature, in order. */
export function multiSignedIndex(entries: readonly IndexEntry[], signatures: readonly ForgedSignature[]): Buffer {
  const index = writeApkIndex(entries, { description: 'hostile' });
  const tarEntries = signatures.map((s) => {
    const algorithm = s.algorithm ?? 'RSA256';
    const hash = s.hash ?? (algorithm === 'RSA' ? 'sha1' : 'sha256');
    const data = cryptoSign(hash, s.over ?? index, createPrivateKey(s.privatePem));
    if (s.flip !== undefined) data[s.flip] = data[s.flip]! ^ 0x01;
    return { name: `.SIGN.${algorithm}.${s.as}`, data, noSha1: true };
  });
  return Buffer.concat([gzip(forgeTar(tarEntries, { end: false })), index]);
}

/** Every regular file of an OCI layout's image (the first manifest of its index, at any depth), by path without a leading slash. */
export function imageFiles(layout: string): Map<string, Buffer> {
  const blob = (digest: string) => readFileSync(join(layout, 'blobs', ...digest.split(':')));
  let doc = JSON.parse(blob((JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] }).manifests[0]!.digest).toString()) as {
    manifests?: { digest: string }[];
    layers?: { digest: string }[];
  };
  while (doc.manifests) doc = JSON.parse(blob(doc.manifests[0]!.digest).toString()) as typeof doc;
  const files = new Map<string, Buffer>();
  for (const layer of doc.layers ?? []) {
    for (const e of readTar(gunzipSync(blob(layer.digest)))) if (e.type === 'file') files.set(e.name.replace(/^\.?\//, ''), e.data);
  }
  return files;
}
