/**
 * The melange chroot runner's root filesystem, made by the image engine: the
 * `environment` of a melange.yaml becomes a one-architecture image config
 * (its repositories, keyring, packages and accounts), whose packages are
 * resolved, fetched, verified and installed into an in-memory tree exactly
 * as for an image, and the tree is written to the runner's directory.
 * Relative repository and keyring paths resolve against `cwd`, as melange
 * resolves them against its working directory.
 */
import { resolve } from 'node:path';
import { parseConfigText, type Arch, type LoadedConfig } from '../config';
import { finalizeConfig } from '../config/normalize';
import { resolvePackages } from '../fetch';
import { openStore } from '../store';
import { materializeTree } from './materialize';
import { buildRootTree } from './root-tree';

/** The part of an apko configuration a build root is made from (melange's `environment`). */
export interface RootEnvironment {
  readonly contents: { readonly repositories: readonly string[]; readonly keyring: readonly string[]; readonly packages: readonly string[] };
  readonly accounts: {
    readonly users: ReadonlyArray<{ readonly username: string; readonly uid: number; readonly gid?: number }>;
    readonly groups: ReadonlyArray<{ readonly groupname: string; readonly gid: number; readonly members: readonly string[] }>;
    readonly runAs?: string;
  };
}

/** Writes the root of `environment` for `arch` into `dir`. */
export type PrepareRoot = (environment: RootEnvironment, arch: Arch, dir: string) => Promise<void>;

/** Where the root's packages come from and where progress goes. */
export interface PrepareRootOptions {
  /** Relative repository and keyring entries start here. */
  readonly cwd: string;
  /** The package cache (the image build's store). */
  readonly cacheDir: string;
  readonly offline?: boolean;
  readonly log?: (line: string) => void;
  /** melange's `-r/-k/-p`: appended to the environment's repositories, keyring and packages. */
  readonly repositoryAppend?: readonly string[];
  readonly keyringAppend?: readonly string[];
  readonly packageAppend?: readonly string[];
}

/** The name errors in the generated config are reported under. */
const SUBJECT = 'melange environment';

/**
 * The image config of a build environment, for one architecture. It goes
 * through the apko.yaml parser (JSON is YAML) so that the environment is
 * checked by the same schema and gets the same defaults as an image.
 */
export function environmentConfig(environment: RootEnvironment, arch: Arch, cwd: string): LoadedConfig {
  const { contents, accounts } = environment;
  const raw = {
    contents: { repositories: contents.repositories, keyring: contents.keyring, packages: contents.packages },
    accounts: {
      users: accounts.users.map((u) => ({ username: u.username, uid: u.uid, ...(u.gid !== undefined ? { gid: u.gid } : {}) })),
      groups: accounts.groups.map((g) => ({ groupname: g.groupname, gid: g.gid, members: g.members })),
      ...(accounts.runAs !== undefined ? { 'run-as': accounts.runAs } : {}),
    },
    archs: [arch.apk],
  };
  const config = finalizeConfig(parseConfigText(JSON.stringify(raw, null, 2), SUBJECT).config);
  return Object.freeze({
    file: SUBJECT,
    config,
    checksum: '',
    files: [],
    archs: [arch],
    sourceDateEpochSet: false,
    ignoreSignatures: false,
    strictProviders: false,
    workDir: resolve(cwd),
    warnings: [],
  });
}

/** A PrepareRoot for the melange chroot runner that builds the environment with the image engine. */
export function rootPreparer(o: PrepareRootOptions): PrepareRoot {
  const log = o.log ?? (() => undefined);
  return async (given, arch, dir) => {
    const c = given.contents;
    const environment = {
      ...given,
      contents: {
        ...c,
        repositories: [...c.repositories, ...(o.repositoryAppend ?? [])],
        keyring: [...c.keyring, ...(o.keyringAppend ?? [])],
        packages: [...c.packages, ...(o.packageAppend ?? [])],
      },
    };
    const loaded = environmentConfig(environment, arch, o.cwd);
    log(`build environment: ${environment.contents.packages.join(', ') || '(no packages)'} for ${arch.apk}`);
    const { keyring, archs } = await resolvePackages(loaded, { store: openStore(o.cacheDir), offline: o.offline ?? false, log });
    const fetched = archs[0]!;
    // The root lives for one build and is never published; package times are kept as they are.
    const rootfs = buildRootTree(loaded, fetched, { keyring, buildDate: 0 });
    for (const w of rootfs.warnings) log(`warning: build environment: ${w}`);
    const written = await materializeTree(rootfs.tree, dir);
    for (const n of written.notes) log(`note: build environment: ${n}`);
    log(`build environment: ${fetched.packages.length} packages, ${written.written} files written to ${dir}`);
  };
}
