/**
 * One architecture's root filesystem from a loaded config and its verified
 * packages: the single place where the image config is mapped onto the
 * rootfs stage's input, for images and for melange build environments alike.
 */
import type { ApkPackage } from '../apk/package';
import { apkoJson, runtimeRepositories, type LoadedConfig } from '../config';
import type { ArchPackages } from '../fetch';
import { basePins, buildRootfs, type BasePackage, type RootfsResult } from '../rootfs';
import { compareBytes } from '../order';
import { expandArchs } from '../arch';

/** The locked world: exact `name=version` of every installed package, sorted. */
export function lockedWorld(packages: readonly ApkPackage[]): string[] {
  return packages.map((p) => `${p.pkginfo.pkgname}=${p.pkginfo.pkgver}`).sort(compareBytes);
}

/** What a root tree is made from besides the config and the packages. */
export interface RootTreeInputs {
  /** Keyring file name → PEM, written to /etc/apk/keys. */
  readonly keyring: ReadonlyMap<string, string>;
  /** Seconds; 0 keeps package times as they are. */
  readonly buildDate: number;
  /**
   * apko's single-layer path (`BuildLayer`, used by build-cpio), which installs
   * without locking: `world` is the config's packages (sorted, once each) and
   * `/etc/apko.json` keeps the config's packages and archs as written.
   */
  readonly unlocked?: boolean;
  /** The base image's packages, when building on one (`contents.baseimage`). */
  readonly base?: readonly BasePackage[];
}

/** Builds the in-memory filesystem of `fetched.arch` as `loaded` describes it. */
export function buildRootTree(loaded: LoadedConfig, fetched: ArchPackages, inputs: RootTreeInputs): RootfsResult {
  const config = loaded.config;
  const locked = lockedWorld(fetched.packages);
  // On a base image the world also pins the base's packages (apko's initializeApk); /etc/apko.json names only the new ones.
  const world = inputs.unlocked ? [...new Set(config.contents.packages)].sort(compareBytes) : inputs.base ? [...new Set([...locked, ...basePins(inputs.base)])].sort(compareBytes) : locked;
  const jsonInput = inputs.unlocked
    ? { archs: expandArchs(config.archs, () => fetched.arch), packages: config.contents.packages }
    : { archs: [fetched.arch], packages: locked };
  return buildRootfs({
    arch: fetched.arch.apk,
    packages: fetched.packages,
    world,
    repositories: runtimeRepositories(config),
    keys: inputs.keyring,
    runtimeKeyring: config.contents.runtimeKeyring.map((k) => ({ name: k.name, content: k.content })),
    accounts: {
      users: config.accounts.users.map((u) => ({ ...u })),
      groups: config.accounts.groups.map((g) => ({ ...g, members: [...g.members] })),
      ...(config.accounts.runAs !== undefined ? { runAs: config.accounts.runAs } : {}),
      source: loaded.file,
    },
    paths: config.paths.map((p) => ({ ...p })),
    entrypoint: { ...(config.entrypoint.type ? { type: config.entrypoint.type } : {}), services: { ...config.entrypoint.services } },
    ...(config.certificates
      ? { certificates: { additional: config.certificates.additional.map((c) => ({ name: c.name, content: c.content })), providers: [...config.certificates.providers] } }
      : {}),
    // apko writes /etc/apko.json after accounts, with a run-as username resolved to its uid.
    apkoJson: (resolved) =>
      apkoJson(
        { ...config, accounts: { ...config.accounts, ...(resolved.user !== undefined ? { runAs: resolved.user } : {}) } },
        jsonInput,
      ),
    buildDate: inputs.buildDate,
    ...(inputs.base ? { base: { stanzas: inputs.base.map((p) => p.stanza) } } : {}),
  });
}
