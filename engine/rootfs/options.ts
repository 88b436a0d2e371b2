/**
 * What the rootfs stage takes and gives back. The lead maps the validated
 * image config onto `RootfsInput`; nothing here reads files, the network or
 * the clock. Defaults are applied by the config stage, not here.
 */
import type { ApkPackage } from '../apk/package';
import type { RootfsFacts } from './layer-facts';
import type { Tree } from './tree';

/** A user from `accounts.users`. */
export interface UserInput {
  username: string;
  uid: number;
  /** Defaults to the uid (as does 0, apko's unset value). */
  gid?: number;
  /** Defaults to `/bin/sh`. */
  shell?: string;
  /** Defaults to `/home/<username>`. */
  homedir?: string;
}

/** A group from `accounts.groups`. */
export interface GroupInput {
  groupname: string;
  gid: number;
  members: string[];
}

/** The `accounts` block. */
export interface AccountsInput {
  users: UserInput[];
  groups: GroupInput[];
  /** A username or uid; a username found in /etc/passwd becomes its uid. */
  runAs?: string;
  /** The config file the accounts come from, named by messages about them. */
  source?: string;
}

/** The kinds of `paths` mutation. */
export type PathMutationType = 'directory' | 'empty-file' | 'hardlink' | 'symlink' | 'permissions';

/** One `paths` entry, applied in order. */
export interface PathMutation {
  path: string;
  type: PathMutationType;
  /** Link target for `symlink`, existing file for `hardlink`. */
  source?: string;
  /** Mode bits incl. setuid/setgid/sticky; absent keeps the sensible default (see paths.ts). */
  permissions?: number;
  uid?: number;
  gid?: number;
  /** For `directory` and `permissions`: apply to everything below too. */
  recursive?: boolean;
}

/** The parts of `entrypoint` that shape the filesystem. */
export interface EntrypointInput {
  type?: string;
  /** service name → command, for `type: service-bundle`. */
  services?: Record<string, string>;
}

/** A `contents.runtime_keyring` entry. */
export interface RuntimeKey {
  name: string;
  content: string;
}

/** `certificates`: extra CA certificates, inline or from provider packages. */
export interface CertificatesInput {
  additional: { name: string; content: string }[];
  /** Names (package names or provides) of packages whose certificate files join the bundles. */
  providers: string[];
}

/** Bytes for /etc/apko.json, or a function of the resolved run-as user (apko writes it after accounts). */
export type ApkoJsonSource = string | ((resolved: { user?: string }) => string);

/** Everything one architecture's filesystem is made from. */
export interface RootfsInput {
  /** apk arch, e.g. `x86_64`. */
  arch: string;
  /** Verified packages in install order (the resolver's order). */
  packages: readonly ApkPackage[];
  /** Exact `name=version` pins for /etc/apk/world. */
  world: readonly string[];
  /** Runtime repositories for /etc/apk/repositories. */
  repositories: readonly string[];
  /** Keyring file name → PEM, written to /etc/apk/keys before packages install. */
  keys: ReadonlyMap<string, string>;
  runtimeKeyring?: RuntimeKey[];
  accounts?: AccountsInput;
  paths?: PathMutation[];
  entrypoint?: EntrypointInput;
  certificates?: CertificatesInput;
  apkoJson: ApkoJsonSource;
  /** Seconds; mtime of scripts.tar entries and runtime keys. */
  buildDate: number;
  /** Building on a base image: the stanzas of its packages, which lead the installed database (base-packages.ts). */
  base?: { readonly stanzas: readonly Buffer[] };
}

/** The finished filesystem and what later stages need to know about it. */
export interface RootfsResult {
  tree: Tree;
  /** The run-as user, a username resolved to its uid. */
  user?: string;
  /** /etc/os-release, parsed, when the image has one. */
  osRelease?: Record<string, string>;
  /** Packages in install order. */
  installed: readonly ApkPackage[];
  /** package name → origin (the name itself when the package declares none). */
  origins: Map<string, string>;
  /** What a layering strategy may know of the installed packages. */
  facts: RootfsFacts;
  /** Things worth telling the user that do not stop the build. */
  warnings: string[];
}
