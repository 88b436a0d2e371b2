/**
 * Reads an APKINDEX.tar.gz: an optional signature gzip member (`.SIGN.RSA.*`
 * / `.SIGN.RSA256.*` tar entries, no end blocks) followed by the member holding
 * the `APKINDEX` text and `DESCRIPTION`. The signatures cover the raw
 * compressed bytes from the end of the signature member to the end of the
 * file, and are checked before that part is inflated, so a tampered index is
 * a SignatureError, never a parse of untrusted bytes.
 */
import { PACKAGE_LIMIT_DEFAULTS } from '../defaults';
import { ApkoError, FormatError, LimitError } from '../errors';
import { readTar } from '../tar/read';
import { readMember, type GzipMember } from './gzip-members';
import { limitHint } from './limit-hint';
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
  /** Largest total inflated size accepted; default 300 MiB (`--max-apkindex-decompressed-size`). */
  maxSize?: number;
}

/** Default bound on an index's inflated size (apko's; Alpine's largest index is ~25 MiB). */
export const DEFAULT_MAX_INDEX_SIZE = PACKAGE_LIMIT_DEFAULTS.maxApkIndexDecompressedSize;

const INDEX_LIMIT_HINT = limitHint('maxApkIndexDecompressedSize', 'this repository');

/** The signature part of an index or package and where the signed bytes start. */
export interface SignaturePart {
  /** Signatures found, in tar order; empty when unsigned. */
  readonly signatures: SignatureEntry[];
  /** Offset of the first signed byte: the end of the signature member, or 0. */
  readonly signedStart: number;
  /** The first member when it is not a signature member (so callers need not inflate it twice). */
  readonly firstContent?: GzipMember;
}

/** The tar entries of an index member; a malformed archive is a FormatError that says what to do. */
function tarOf(content: Buffer, subject: string): ReturnType<typeof readTar> {
  try {
    return readTar(content, subject);
  } catch (err) {
    if (!(err instanceof ApkoError) || err.hint !== undefined) throw err;
    throw new FormatError(err.message, { file: subject, cause: err, hint: 'the index is truncated or corrupt; fetch it again, or rebuild it from a trusted source' });
  }
}

/** Reads the first member and reports whether it is a signature member. */
export function readSignaturePart(bytes: Buffer, opts: { subject?: string; maxSize?: number; limitHint?: string } = {}): SignaturePart {
  const subject = opts.subject ?? 'APKINDEX.tar.gz';
  const first = readMember(bytes, 0, { subject, maxMemberSize: opts.maxSize ?? DEFAULT_MAX_INDEX_SIZE, limitHint: opts.limitHint ?? INDEX_LIMIT_HINT });
  const entries = tarOf(first.content, subject);
  const signatures: SignatureEntry[] = [];
  for (const e of entries) {
    const sig = parseSignatureName(e.name, e.data);
    if (sig === undefined) return { signatures: [], signedStart: 0, firstContent: first };
    signatures.push(sig);
  }
  if (signatures.length === 0) return { signatures: [], signedStart: 0, firstContent: first };
  return { signatures, signedStart: first.end };
}

/** An index whose signatures were checked (or knowingly not), ready to parse. */
export interface VerifiedIndexBytes {
  readonly bytes: Buffer;
  readonly part: SignaturePart;
  /** File name of the key that verified it; absent when signatures were ignored. */
  readonly signedBy?: string;
}

/** A parsed index and how many bytes its members inflated to (checked against a limit again when it is reused). */
export interface ParsedApkIndex {
  readonly index: ApkIndex;
  readonly inflated: number;
}

/**
 * Checks the signatures of an APKINDEX.tar.gz against the keyring (unless
 * told not to) before anything past the signature member is inflated.
 */
export function verifyApkIndex(bytes: Buffer, opts: ReadApkIndexOptions = {}): VerifiedIndexBytes {
  const subject = opts.subject ?? 'APKINDEX.tar.gz';
  const part = readSignaturePart(bytes, { subject, maxSize: opts.maxSize ?? DEFAULT_MAX_INDEX_SIZE, limitHint: INDEX_LIMIT_HINT });
  if (opts.ignoreSignatures === true) return { bytes, part };
  const signedBy = verifySignatures(subject, bytes.subarray(part.signedStart), part.signatures, opts.keyring ?? new Map()).keyName;
  return signedBy === undefined ? { bytes, part } : { bytes, part, signedBy };
}

/** Inflates and parses an index `verifyApkIndex` accepted. */
export function parseVerifiedIndex(verified: VerifiedIndexBytes, opts: Pick<ReadApkIndexOptions, 'subject' | 'maxSize'> = {}): ParsedApkIndex {
  const { bytes, part } = verified;
  const subject = opts.subject ?? 'APKINDEX.tar.gz';
  const maxSize = opts.maxSize ?? DEFAULT_MAX_INDEX_SIZE;
  let text: Buffer | undefined;
  let description = '';
  let inflated = 0;
  let pos = part.signedStart;
  while (pos < bytes.length) {
    const member =
      part.firstContent !== undefined && pos === 0
        ? part.firstContent
        : readMember(bytes, pos, { subject, maxMemberSize: Math.max(1, maxSize - inflated), limitHint: INDEX_LIMIT_HINT });
    inflated += member.content.length;
    if (inflated > maxSize) throw indexTooLarge(subject, maxSize);
    for (const e of tarOf(member.content, subject)) {
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
  const entries = parseIndexText(text.toString('utf8'), subject);
  refuseConflictingDuplicates(entries, subject);
  const index: ApkIndex = { entries, description };
  if (verified.signedBy !== undefined) index.signedBy = verified.signedBy;
  return { index, inflated };
}

/** The LimitError of an index that inflates to more than `maxSize` bytes. */
export function indexTooLarge(subject: string, maxSize: number): LimitError {
  return new LimitError(`${subject}: the index inflates to more than ${maxSize} bytes`, { subject, limit: maxSize, hint: INDEX_LIMIT_HINT });
}

/** Parses and (unless told not to) verifies an APKINDEX.tar.gz. */
export function readApkIndex(bytes: Buffer, opts: ReadApkIndexOptions = {}): ApkIndex {
  return parseVerifiedIndex(verifyApkIndex(bytes, opts), opts).index;
}

/**
 * One package (name, version, arch) listed twice with different `C:`
 * checksums: which file the index vouches for would depend on which entry a
 * reader takes, so the index is refused. The same entry twice is harmless.
 */
function refuseConflictingDuplicates(entries: readonly IndexEntry[], subject: string): void {
  const seen = new Map<string, string>();
  for (const e of entries) {
    const key = `${e.name}\0${e.version}\0${e.arch}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, e.checksum);
    else if (first !== e.checksum) {
      throw new FormatError(`${subject} lists ${e.name}-${e.version} twice, with the checksums ${first} and ${e.checksum}`, {
        file: subject,
        hint: 'the index is corrupt or was tampered with; rebuild it (apko-nx melange index) or ask the repository maintainer',
      });
    }
  }
}
