/**
 * Content digests as parsed value types. An OCI digest (`sha256:<64 hex>`) and
 * an APK checksum (`Q1<base64 sha1>`) are each made by exactly one parser, so
 * a malformed one never travels further than the boundary that read it.
 */
import { createHash } from 'node:crypto';
import { FormatError } from './errors';

/** An OCI content digest, `sha256:<64 lowercase hex>`. */
export type Digest = string & { readonly __brand: 'Digest' };

/** An APK checksum as indexes carry it: `Q1` + base64(sha1). */
export type ApkChecksum = string & { readonly __brand: 'ApkChecksum' };

const DIGEST_RE = /^sha256:[0-9a-f]{64}$/;
const Q1_RE = /^Q1[A-Za-z0-9+/]{27}=$/;

/** Parses `sha256:<hex>`; anything else is a FormatError. */
export function parseDigest(s: string): Digest {
  if (!DIGEST_RE.test(s)) throw new FormatError(`"${s}" is not a sha256 digest (expected sha256:<64 hex digits>)`);
  return s as Digest;
}

/** The sha256 digest of some bytes. */
export function sha256Digest(data: Uint8Array | string): Digest {
  return `sha256:${sha256Hex(data)}` as Digest;
}

/** Hex sha256. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex sha1. */
export function sha1Hex(data: Uint8Array | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Parses a `Q1…` checksum; anything else is a FormatError. */
export function parseApkChecksum(s: string): ApkChecksum {
  if (!Q1_RE.test(s)) throw new FormatError(`"${s}" is not an APK checksum (expected Q1 followed by base64 of a sha1)`);
  return s as ApkChecksum;
}

/** The APK checksum (`Q1` + base64 sha1) of some bytes, as apk-tools computes it. */
export function apkChecksumOf(data: Uint8Array): ApkChecksum {
  return `Q1${createHash('sha1').update(data).digest('base64')}` as ApkChecksum;
}

/** Converts a hex sha1 (as in PAX `APK-TOOLS.checksum.SHA1`) to the `Q1` form. */
export function q1FromSha1Hex(hex: string): ApkChecksum {
  return `Q1${Buffer.from(hex, 'hex').toString('base64')}` as ApkChecksum;
}

/** Converts a `Q1` checksum back to hex sha1. */
export function sha1HexFromQ1(q1: ApkChecksum): string {
  return Buffer.from(q1.slice(2), 'base64').toString('hex');
}
