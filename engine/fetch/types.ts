/** What the fetch stage is given and what it hands on. */
import type { ApkPackage } from '../apk/package';
import type { Arch } from '../config';
import type { HttpClient, KeyDiscoveryOptions } from '../repo';
import type { Resolution } from '../resolve';
import type { Store } from '../store';
import type { ContentSpool } from '../fs/spool';
import type { PackageLimits } from './limits';

/** I/O the fetch stage is given. */
export interface PackageIO {
  readonly store?: Store;
  readonly offline: boolean;
  readonly http?: HttpClient;
  readonly log: (line: string) => void;
  /** Size limits on indexes, control and data sections and HTTP responses (default: engine/defaults.ts). */
  readonly limits?: PackageLimits;
  /** Install packages no datahash vouches for, naming each in a warning (`--allow-unverified-data`). */
  readonly allowUnverifiedData?: boolean;
  /** Where large file contents go once a package is verified (image builds); default: kept in memory. */
  readonly spool?: ContentSpool;
  /** Where key discovery looks (Alpine's releases.json) and when it stands (tests); defaults in engine/repo/discover-keys.ts. */
  readonly keyDiscovery?: Pick<KeyDiscoveryOptions, 'alpineReleasesUrl' | 'now' | 'env'>;
}

/** One architecture's resolved and verified packages, in install order. */
export interface ArchPackages {
  readonly arch: Arch;
  readonly resolution: Resolution;
  readonly packages: readonly ApkPackage[];
  /** Each package's URL or path as shown to users (credentials redacted). */
  readonly urls: readonly string[];
}
