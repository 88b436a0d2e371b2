/**
 * apko's lock file (`apko.lock.json`, version v1): the exact packages of
 * every architecture with the byte ranges and digests of their gzip members,
 * the keys with their contents, and the repositories.
 */

/** One member of a locked package: inclusive HTTP byte range and digest. */
export interface LockedSection {
  /** `bytes=<first>-<last>`, inclusive. */
  readonly range: string;
  /** `sha1-<base64>` or `sha256-<base64>`. */
  readonly checksum: string;
}

/** One locked package. */
export interface LockedPackage {
  readonly name: string;
  readonly url: string;
  readonly version: string;
  readonly architecture: string;
  readonly signature?: LockedSection;
  readonly control: LockedSection;
  readonly data: LockedSection;
  /** `Q1` + base64(sha1 of the control member): the index `C:` value. */
  readonly checksum: string;
}

/** A key, with its content embedded so later builds need not fetch it. */
export interface LockedKey {
  readonly name: string;
  readonly url: string;
  readonly content: string;
}

/** A repository index for one architecture. */
export interface LockedRepository {
  readonly name: string;
  readonly url: string;
  readonly architecture: string;
}

/** The whole lock file. */
export interface LockFile {
  readonly version: 'v1';
  readonly config?: { readonly name: string; readonly checksum: string };
  readonly contents: {
    readonly keyring: readonly LockedKey[];
    readonly build_repositories: readonly LockedRepository[];
    readonly runtime_repositories: readonly LockedRepository[];
    readonly repositories: readonly LockedRepository[];
    readonly packages: readonly LockedPackage[];
  };
}
