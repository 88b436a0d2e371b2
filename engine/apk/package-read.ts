/**
 * Reads an APK v2 package: 2 or 3 gzip members (signature, control, data)
 * in, a verified `ApkPackage` out. Trust comes as apko takes it: the index
 * `C:` checksum over the control member, `datahash` over the data member and
 * a sha1 per file; the package signature is checked only when asked.
 * Everything is held in memory, so hostile input is capped by size limits.
 */
import { readFile } from 'node:fs/promises';
import { PACKAGE_LIMIT_DEFAULTS } from '../defaults';
import { apkChecksumOf, sha1Hex, sha256Hex } from '../digest';
import { ApkoError, ChecksumError, FetchError, FormatError, LimitError, UnverifiedDataError } from '../errors';
import { readTar } from '../tar/read';
import { APK_SHA1_PAX, type TarEntry } from '../tar/types';
import { readMember, type GzipMember } from './gzip-members';
import { limitHint, type LimitName } from './limit-hint';
import type { ApkPackage } from './package';
import { parsePkgInfo } from './pkginfo';
import { assertSafeTarNames } from './safe-path';
import { parseSignatureName, verifySignatures, type Keyring, type SignatureEntry } from './signature';
import type { IndexEntry } from './types';

/** Default cap on the inflated signature and control sections (apko's `--max-apk-control-size`). */
export const DEFAULT_MAX_CONTROL_SIZE = PACKAGE_LIMIT_DEFAULTS.maxApkControlSize;

/** Default cap on the inflated data section (`--max-apk-data-size`, engine/defaults.ts). */
export const DEFAULT_MAX_DATA_SIZE = PACKAGE_LIMIT_DEFAULTS.maxApkDataSize;

/** Options of `readApk` / `readApkBytes`. */
export interface ReadApkOptions {
  /** Name used in errors until `.PKGINFO` names the package; defaults to the path, or `package`. */
  subject?: string;
  keyring?: Keyring;
  /** Verify the package signature over the control member (apko does not; default false). */
  verifySignature?: boolean;
  /** The index `C:` value the control member must hash to. */
  expectedChecksum?: string;
  /** Largest inflated signature or control section; default 10 MiB. */
  maxControlSize?: number;
  /** Largest inflated data section; default 1 GiB. */
  maxDataSize?: number;
  /**
   * Accept a package whose `.PKGINFO` has no datahash, so that nothing
   * vouches for its data section (`--allow-unverified-data`; default false).
   * The caller names each such package in a warning.
   */
  allowUnverifiedData?: boolean;
  /**
   * A digest of the data section from elsewhere (a lock file), checked
   * before the data is inflated; it vouches for the data as a datahash does.
   */
  vouchedData?: { readonly sha256: string; readonly by: string; readonly hint: string };
}

/** A gzip member with the tar entries it holds. */
export interface TarSection {
  readonly member: GzipMember;
  readonly entries: readonly TarEntry[];
}

const HINT_CORRUPT = 'the package is corrupt or was altered; fetch it again from a trusted repository';

/** Restates a reader's error without a hint (a truncated tar entry, a malformed header) in terms of the package, with what to do. */
function withHint<T>(subject: string, section: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ApkoError) || err.hint !== undefined) throw err;
    throw new FormatError(`${err.message} (in the ${section} section)`, { file: subject, cause: err, hint: HINT_CORRUPT });
  }
}

/** Inflates one member under a limit, restating a limit breach in terms of the package section. */
function readSection(buf: Buffer, pos: number, section: string, limit: number, limitName: LimitName, subject: string): TarSection {
  if (pos >= buf.length) throw new FormatError(`${subject}: the package ends before its ${section} section`, { file: subject, hint: HINT_CORRUPT });
  let member: GzipMember;
  try {
    member = readMember(buf, pos, { maxMemberSize: limit, subject, limitHint: limitHint(limitName, 'its source') });
  } catch (err) {
    if (!(err instanceof LimitError)) throw err;
    throw new LimitError(`${subject}: the ${section} section inflates to more than ${limit} bytes`, {
      subject,
      limit,
      cause: err,
      hint: limitHint(limitName, 'its source'),
    });
  }
  const entries = withHint(subject, section, () => readTar(member.content, `${subject} ${section} section`));
  assertSafeTarNames(member.content, subject);
  return { member, entries };
}

/**
 * Finds the signature (optional) and control sections at the head of a
 * package. A member whose tar holds only `.SIGN.*` entries is the signature.
 */
export function readLeadingSections(
  buf: Buffer,
  subject: string,
  maxControlSize = DEFAULT_MAX_CONTROL_SIZE,
): { signature?: TarSection; control: TarSection } {
  const first = readSection(buf, 0, 'signature or control', maxControlSize, 'maxApkControlSize', subject);
  const isSignature = first.entries.length > 0 && first.entries.every((e) => e.name.startsWith('.SIGN.'));
  if (!isSignature) return { control: first };
  return { signature: first, control: readSection(buf, first.member.end, 'control', maxControlSize, 'maxApkControlSize', subject) };
}

function sha1HexOfRecord(recorded: string, pkg: string, path: string): string {
  if (/^[0-9a-fA-F]{40}$/.test(recorded)) return recorded.toLowerCase();
  if (/^Q1[A-Za-z0-9+/]{27}=$/.test(recorded)) return Buffer.from(recorded.slice(2), 'base64').toString('hex');
  throw new FormatError(`${pkg}: ${path} has a malformed ${APK_SHA1_PAX} record "${recorded}"`, { file: pkg, hint: HINT_CORRUPT });
}

/** Checks a file's (or symlink target's) sha1 against its PAX record, when it has one. */
function verifyEntryChecksum(e: TarEntry, pkg: string): void {
  const recorded = e.pax[APK_SHA1_PAX];
  if (recorded === undefined || (e.type !== 'file' && e.type !== 'symlink')) return;
  const expected = sha1HexOfRecord(recorded, pkg, e.name);
  const actual = sha1Hex(e.type === 'file' ? e.data : e.linkname);
  if (actual !== expected) {
    throw new ChecksumError(`${pkg}: ${e.name} has sha1 ${actual}, but the package records ${expected}`, {
      subject: pkg,
      algorithm: 'sha1',
      expected,
      actual,
      hint: HINT_CORRUPT,
    });
  }
}

/** Reads and verifies a package held in memory. */
export function readApkBytes(buf: Buffer, opts: ReadApkOptions = {}): ApkPackage {
  const subject = opts.subject ?? 'package';
  const { signature, control } = readLeadingSections(buf, subject, opts.maxControlSize);
  const checksum = apkChecksumOf(control.member.raw);
  if (opts.expectedChecksum !== undefined && opts.expectedChecksum !== checksum) {
    throw new ChecksumError(
      `${subject}: the control section has checksum ${checksum}, but the index promised ${opts.expectedChecksum}`,
      { subject, algorithm: 'sha1', expected: opts.expectedChecksum, actual: checksum, hint: 'the repository served a different file than its index describes; refresh the index and fetch again' },
    );
  }
  const signatures: SignatureEntry[] = [];
  for (const e of signature?.entries ?? []) {
    const sig = parseSignatureName(e.name, e.data);
    if (sig) signatures.push(sig);
  }
  if (opts.verifySignature) verifySignatures(subject, control.member.raw, signatures, opts.keyring ?? new Map());

  const pkginfoEntries = control.entries.filter((e) => e.name === '.PKGINFO');
  if (pkginfoEntries.length === 0) throw new FormatError(`${subject}: the control section has no .PKGINFO`, { file: subject, hint: HINT_CORRUPT });
  // Two readers could take different copies as the package's identity and datahash: refuse the ambiguity.
  if (pkginfoEntries.length > 1) {
    throw new FormatError(`${subject}: the control section holds ${pkginfoEntries.length} .PKGINFO entries; a package has one`, { file: subject, hint: HINT_CORRUPT });
  }
  const pkginfo = parsePkgInfo(pkginfoEntries[0]!.data.toString('utf8'), subject);
  // From here on the package is named by its .PKGINFO, and by the file or URL it came from when the caller gave one.
  const pkg = opts.subject === undefined ? `${pkginfo.pkgname}-${pkginfo.pkgver}` : `${pkginfo.pkgname}-${pkginfo.pkgver} (${subject})`;
  // As apk-tools: the index's C: vouches for the control section, whose datahash vouches for the data.
  if (pkginfo.datahash === undefined && opts.allowUnverifiedData !== true && opts.vouchedData === undefined) {
    throw new UnverifiedDataError(`${pkg}: .PKGINFO has no datahash, so nothing vouches for the package's data section`, {
      subject,
      hint: 'rebuild the package with abuild or melange (both write datahash), or pass --allow-unverified-data to install it anyway',
    });
  }
  if (pkginfo.datahash !== undefined && !/^[0-9a-fA-F]{64}$/.test(pkginfo.datahash)) {
    throw new FormatError(`${pkg}: .PKGINFO datahash "${pkginfo.datahash}" is not a hex sha256`, { file: subject, hint: HINT_CORRUPT });
  }

  if (control.member.end >= buf.length) throw new FormatError(`${pkg}: the package ends before its data section`, { file: subject, hint: HINT_CORRUPT });
  // The datahash covers every byte after the control section: checked before inflating, so bytes nothing vouches for are never inflated.
  const dataSha256 = sha256Hex(buf.subarray(control.member.end));
  if (pkginfo.datahash !== undefined && pkginfo.datahash.toLowerCase() !== dataSha256) {
    throw new ChecksumError(`${pkg}: the data section has sha256 ${dataSha256}, but .PKGINFO datahash is ${pkginfo.datahash}`, {
      subject: pkg,
      algorithm: 'sha256',
      expected: pkginfo.datahash,
      actual: dataSha256,
      hint: `${HINT_CORRUPT} (its data section was altered, or bytes were added after it)`,
    });
  }
  if (opts.vouchedData !== undefined && opts.vouchedData.sha256.toLowerCase() !== dataSha256) {
    throw new ChecksumError(`${pkginfo.pkgname}-${pkginfo.pkgver}: the data section does not match ${opts.vouchedData.by}`, {
      subject,
      algorithm: 'sha256',
      expected: opts.vouchedData.sha256,
      actual: dataSha256,
      hint: opts.vouchedData.hint,
    });
  }
  const data = readSection(buf, control.member.end, 'data', opts.maxDataSize ?? DEFAULT_MAX_DATA_SIZE, 'maxApkDataSize', pkg);
  if (data.member.end !== buf.length) {
    throw new FormatError(`${pkg}: ${buf.length - data.member.end} unexpected bytes follow the data section`, { file: subject, hint: HINT_CORRUPT });
  }
  for (const e of data.entries) verifyEntryChecksum(e, pkg);

  const span = (m: GzipMember) => ({ start: m.start, end: m.end });
  return {
    pkginfo,
    checksum,
    size: buf.length,
    signatures,
    spans: { ...(signature ? { signature: span(signature.member) } : {}), control: span(control.member), data: span(data.member) },
    hashes: {
      ...(signature ? { signatureSha1: sha1Hex(signature.member.raw) } : {}),
      controlSha1: sha1Hex(control.member.raw),
      dataSha256,
    },
    controlEntries: control.entries.filter((e) => e.name !== '.PKGINFO'),
    dataEntries: data.entries,
  };
}

/** Reads and verifies a package from its bytes or from a file path. */
export async function readApk(input: Buffer | string, opts: ReadApkOptions = {}): Promise<ApkPackage> {
  if (typeof input !== 'string') return readApkBytes(input, opts);
  let bytes: Buffer;
  try {
    bytes = await readFile(input);
  } catch (err) {
    throw new FetchError(`cannot read package ${input}: ${(err as Error).message}`, { url: input, cause: err, hint: 'check the path' });
  }
  return readApkBytes(bytes, { ...opts, subject: opts.subject ?? input });
}

const nonEmpty = (s: string | undefined): string | undefined => (s === '' ? undefined : s);

/**
 * The APKINDEX record for a package. Several `license` lines become one SPDX
 * expression joined by ` AND `, since the index holds a single `L:`.
 */
export function toIndexEntry(pkg: ApkPackage): IndexEntry {
  const p = pkg.pkginfo;
  return {
    name: p.pkgname,
    version: p.pkgver,
    arch: p.arch,
    size: pkg.size,
    installedSize: p.size,
    description: p.pkgdesc ?? '',
    url: p.url ?? '',
    license: p.license.join(' AND '),
    origin: nonEmpty(p.origin),
    maintainer: nonEmpty(p.maintainer),
    buildTime: p.builddate,
    commit: nonEmpty(p.commit),
    depends: [...p.depend],
    provides: [...p.provides],
    installIf: [...p.install_if],
    providerPriority: p.provider_priority,
    replaces: [...p.replaces],
    replacesPriority: p.replaces_priority,
    checksum: pkg.checksum,
  };
}
