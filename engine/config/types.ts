/**
 * The normalized image configuration: apko's `ImageConfiguration` after
 * includes, CLI overrides and `Validate()`, with camelCase names. Every list
 * and map is present (possibly empty); an absent optional scalar means Go's
 * zero value (""), so `/etc/apko.json` can reproduce apko's `omitempty`.
 */
import type { ArchName } from '../arch';

/** A `contents.baseimage` block (experimental in apko). */
export interface BaseImage {
  /** Path of the base image's OCI layout directory. */
  readonly image: string;
  /** Directory holding `<apkarch>/APKINDEX` (installed-db format) of the base. */
  readonly apkindex: string;
}

/** An inline `{name, content}` entry (`runtime_keyring`, `certificates.additional`). */
export interface NamedContent {
  readonly name: string;
  readonly content: string;
}

/** `contents`: where packages come from and which to install. */
export interface ImageContents {
  readonly buildRepositories: readonly string[];
  readonly runtimeRepositories: readonly string[];
  readonly repositories: readonly string[];
  readonly keyring: readonly string[];
  readonly runtimeKeyring: readonly NamedContent[];
  readonly packages: readonly string[];
  readonly baseimage?: BaseImage;
}

/** `entrypoint`. For `service-bundle`, `command` is already forced to s6-svscan. */
export interface Entrypoint {
  readonly type?: 'service-bundle';
  readonly command?: string;
  readonly shellFragment?: string;
  readonly services: Readonly<Record<string, string>>;
}

/** One configured user. `gid` and `shell` stay absent when not written; see `userDefaults`. */
export interface User {
  readonly username: string;
  readonly uid: number;
  readonly gid?: number;
  readonly shell?: string;
  /** Always set after normalization (`/home/<username>` by default, as apko's Validate does). */
  readonly homedir: string;
}

/** One configured group. A missing gid is Go's zero value, 0. */
export interface Group {
  readonly groupname: string;
  readonly gid: number;
  readonly members: readonly string[];
}

/** `accounts`. */
export interface Accounts {
  readonly runAs?: string;
  readonly users: readonly User[];
  readonly groups: readonly Group[];
}

/** The kinds of `paths` mutation. */
export type PathType = 'directory' | 'empty-file' | 'hardlink' | 'symlink' | 'permissions';

/** One `paths` entry. uid/gid are nullable: absent means ownership is untouched. */
export interface PathMutation {
  readonly path: string;
  readonly type: PathType;
  readonly uid?: number;
  readonly gid?: number;
  /** Mode bits (octal in YAML); absent means 0, as in apko. */
  readonly permissions?: number;
  readonly source?: string;
  readonly recursive: boolean;
}

/** `layering`: an empty block means one layer. */
export interface Layering {
  readonly strategy?: 'origin';
  readonly budget?: number;
}

/** `certificates`. */
export interface Certificates {
  readonly additional: readonly NamedContent[];
  readonly providers: readonly string[];
}

/** The layer format: `tar` (default) or `erofs` (experimental). */
export type LayerFormat = 'tar' | 'erofs';

/** The whole normalized configuration. */
export interface ImageConfig {
  readonly contents: ImageContents;
  readonly entrypoint: Entrypoint;
  readonly cmd?: string;
  readonly stopSignal?: string;
  readonly workDir?: string;
  readonly accounts: Accounts;
  /** As written (OCI spelling), possibly `all` or `host`; `LoadedConfig.archs` is the resolved list. */
  readonly archs: readonly ArchName[];
  readonly environment: Readonly<Record<string, string>>;
  readonly paths: readonly PathMutation[];
  readonly vcsUrl?: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The top-level file's `include`, kept as apko keeps it (it shows in /etc/apko.json). */
  readonly include?: string;
  readonly volumes: readonly string[];
  readonly layering?: Layering;
  readonly format?: LayerFormat;
  readonly certificates?: Certificates;
}
