/**
 * A parsed, verified APK package: what `readApk` returns and what the rootfs
 * installer consumes. Byte ranges are inclusive-exclusive offsets into the
 * .apk file, as the lock file needs them.
 */
import type { TarEntry } from '../tar/types';
import type { SignatureEntry } from './signature';
import type { PkgInfo } from './types';

/** Where one gzip member lies in the .apk file. */
export interface MemberSpan {
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
}

/** A package read from its bytes. */
export interface ApkPackage {
  readonly pkginfo: PkgInfo;
  /** `Q1` + base64(sha1 of the control member), the index `C:` checksum. */
  readonly checksum: string;
  /** Size of the whole .apk file. */
  readonly size: number;
  /** Signatures found in the signature member (empty when unsigned). */
  readonly signatures: readonly SignatureEntry[];
  readonly spans: {
    readonly signature?: MemberSpan;
    readonly control: MemberSpan;
    readonly data: MemberSpan;
  };
  /** Hex sha1 of the signature member, the control member; hex sha256 of the data member. */
  readonly hashes: { readonly signatureSha1?: string; readonly controlSha1: string; readonly dataSha256: string };
  /** Control entries other than `.PKGINFO` and signatures: install scripts, `.melange.yaml`. */
  readonly controlEntries: readonly TarEntry[];
  /** The data section's entries, names normalized and checked safe, per-file checksums verified. */
  readonly dataEntries: readonly TarEntry[];
}
