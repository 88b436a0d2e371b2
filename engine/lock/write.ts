/**
 * Writes a lock file with apko's field order and formatting (two-space
 * indent, trailing newline), from verified packages.
 */
import type { ApkPackage, MemberSpan } from '../apk/package';
import type { LockedPackage, LockFile, LockedRepository, LockedKey } from './types';

/** `sha1-<base64>` / `sha256-<base64>` from a hex digest. */
function sri(algorithm: 'sha1' | 'sha256', hex: string): string {
  return `${algorithm}-${Buffer.from(hex, 'hex').toString('base64')}`;
}

function range(span: MemberSpan): string {
  return `bytes=${span.start}-${span.end - 1}`;
}

/** The lock entry of one verified package fetched from `url`. */
export function lockedPackage(pkg: ApkPackage, url: string): LockedPackage {
  return {
    name: pkg.pkginfo.pkgname,
    url,
    version: pkg.pkginfo.pkgver,
    architecture: pkg.pkginfo.arch,
    ...(pkg.spans.signature && pkg.hashes.signatureSha1 ? { signature: { range: range(pkg.spans.signature), checksum: sri('sha1', pkg.hashes.signatureSha1) } } : {}),
    control: { range: range(pkg.spans.control), checksum: sri('sha1', pkg.hashes.controlSha1) },
    data: { range: range(pkg.spans.data), checksum: sri('sha256', pkg.hashes.dataSha256) },
    checksum: pkg.checksum,
  };
}

/** Everything a lock file is made of. */
export interface LockInput {
  readonly configName: string;
  readonly configChecksum: string;
  readonly keyring: readonly LockedKey[];
  readonly buildRepositories: readonly LockedRepository[];
  readonly runtimeRepositories: readonly LockedRepository[];
  readonly repositories: readonly LockedRepository[];
  /** Every arch's packages, arch after arch, each in install order. */
  readonly packages: readonly LockedPackage[];
}

/** The lock file value. */
export function makeLockFile(input: LockInput): LockFile {
  return {
    version: 'v1',
    config: { name: input.configName, checksum: input.configChecksum },
    contents: {
      keyring: [...input.keyring].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      build_repositories: input.buildRepositories,
      runtime_repositories: input.runtimeRepositories,
      repositories: input.repositories,
      packages: input.packages,
    },
  };
}

/** Serializes a lock file as apko does: `json.MarshalIndent` with two spaces, then a newline. */
export function formatLockFile(lock: LockFile): string {
  const ordered = {
    version: lock.version,
    ...(lock.config ? { config: { name: lock.config.name, checksum: lock.config.checksum } } : {}),
    contents: {
      keyring: lock.contents.keyring.map((k) => ({ name: k.name, url: k.url, content: k.content })),
      build_repositories: lock.contents.build_repositories.map(repo),
      runtime_repositories: lock.contents.runtime_repositories.map(repo),
      repositories: lock.contents.repositories.map(repo),
      packages: lock.contents.packages.map((p) => ({
        name: p.name,
        url: p.url,
        version: p.version,
        architecture: p.architecture,
        ...(p.signature ? { signature: { range: p.signature.range, checksum: p.signature.checksum } } : {}),
        control: { range: p.control.range, checksum: p.control.checksum },
        data: { range: p.data.range, checksum: p.data.checksum },
        checksum: p.checksum,
      })),
    },
  };
  // Go's encoder escapes <, > and & in strings; keep the bytes apko would write.
  return `${JSON.stringify(ordered, null, 2).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

function repo(r: LockedRepository): LockedRepository {
  return { name: r.name, url: r.url, architecture: r.architecture };
}
