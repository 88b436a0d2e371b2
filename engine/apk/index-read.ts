/**
 * Reads an APKINDEX.tar.gz: an optional signature gzip member (`.SIGN.RSA.*`
 * / `.SIGN.RSA256.*` tar entries, no end blocks) followed by the member holding
 * the `APKINDEX` text and `DESCRIPTION`. The signatures cover the raw
 * compressed bytes from the end of the signature member to the end of the
 * file, and are checked before that part is inflated, so a tampered index is
 * a SignatureError, never a parse of untrusted bytes.
 */
import { FormatError, LimitError } from '../errors';
import { readTar } from '../tar/read';
import { readMember, type GzipMember } from './gzip-members';
import { parseIndexText } from './index-text';
import { parseSignatureName, verifySignatures, type Keyring, type SignatureEntry } from './signature';
import type { IndexEntry } from './types';

/** A parsed, verified repository index. */
export interface ApkIndex {
  /** Records in file order. */
  entries: IndexEntry[];
  /** The `DESCRIPTION` member (e.g. `v3.17.3-…`), empty when absent. */
  description: string;
  /** File name of the key that verified the index; absent when signatures were ignored. */
  signedBy?: string;
}

/** How to read an index. */
export interface ReadApkIndexOptions {
  /** Trusted public keys by file name. */
  keyring?: Keyring;
  /** Skip verification entirely (`--ignore-signatures`). */
  ignoreSignatures?: boolean;
  /** Names the index in errors: its (redacted) URL or path. */
  subject?: string;
  /** Largest total inflated size accepted; default 300 MiB. */
  maxSize?: number;
}

/** Default bound on an index's inflated size: Alpine's largest is ~25 MiB. */
export const DEFAULT_MAX_INDEX_SIZE = 300 * 1024 * 1024;

/** The signature part of an index or package and where the signed bytes start. */
export interface SignaturePart {
  /** Signatures found, in tar order; empty when unsigned. */
  readonly signatures: SignatureEntry[];
  /** Offset of the first signed byte: the end of the signature member, or 0. */
  readonly signedStart: number;
  /** The first member when it is not a signature member (so callers need not inflate it twice). */
  readonly firstContent?: GzipMember;
}

/** Reads the first member and reports whether it is a signature member. */
export function readSignaturePart(bytes: Buffer, opts: { subject?: string; maxSize?: number } = {}): SignaturePart {
  const subject = opts.subject ?? 'APKINDEX.tar.gz';
  const first = readMember(bytes, 0, { subject, maxMemberSize: opts.maxSize ?? DEFAULT_MAX_INDEX_SIZE });
  const entries = readTar(first.content, subject);
  const signatures: SignatureEntry[] = [];
  for (const e of entries) {
    const sig = parseSignatureName(e.name, e.data);
    if (sig === undefined) return { signatures: [], signedStart: 0, firstContent: first };
    signatures.push(sig);
  }
  if (signatures.length === 0) return { signatures: [], signedStart: 0, firstContent: first };
  return { signatures, signedStart: first.end };
}

/** Parses and (unless told not to) verifies an APKINDEX.tar.gz. */
export function readApkIndex(bytes: Buffer, opts: ReadApkIndexOptions = {}): ApkIndex {
  const subject = opts.subject ?? 'APKINDEX.tar.gz';
  const maxSize = opts.maxSize ?? DEFAULT_MAX_INDEX_SIZE;
  const part = readSignaturePart(bytes, { subject, maxSize });
  let signedBy: string | undefined;
  if (opts.ignoreSignatures !== true) {
    signedBy = verifySignatures(subject, bytes.subarray(part.signedStart), part.signatures, opts.keyring ?? new Map()).keyName;
  }
  let text: Buffer | undefined;
  let description = '';
  let inflated = 0;
  let pos = part.signedStart;
  while (pos < bytes.length) {
    const member =
      part.firstContent !== undefined && pos === 0
        ? part.firstContent
        : readMember(bytes, pos, { subject, maxMemberSize: Math.max(1, maxSize - inflated) });
    inflated += member.content.length;
    if (inflated > maxSize) {
      throw new LimitError(`${subject}: the index inflates to more than ${maxSize} bytes`, {
        subject,
        limit: maxSize,
        hint: 'raise the size limit only if you trust this repository',
      });
    }
    for (const e of readTar(member.content, subject)) {
      if (e.name === 'APKINDEX') text = e.data;
      else if (e.name === 'DESCRIPTION') description = e.data.toString('utf8');
    }
    pos = member.end;
  }
  if (text === undefined) {
    throw new FormatError(`${subject} has no APKINDEX entry, so it is not a repository index`, {
      file: subject,
      hint: 'point the repository at a directory containing <arch>/APKINDEX.tar.gz',
    });
  }
  const index: ApkIndex = { entries: parseIndexText(text.toString('utf8'), subject), description };
  if (signedBy !== undefined) index.signedBy = signedBy;
  return index;
}
