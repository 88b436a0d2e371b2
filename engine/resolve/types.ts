/**
 * What the resolver takes and gives back. Repositories arrive already read
 * and verified (the `repo` stage); the resolver never touches the network or
 * the disk.
 */
import type { IndexEntry } from '../apk/types';

/** One configured repository and the entries of its index, in config order. */
export interface ResolverRepository {
  /** The URL or path as configured; it is what `ResolvedPackage.repository` names. */
  readonly name: string;
  /** `@tag` of a tagged repository, without the `@`. */
  readonly tag?: string;
  readonly entries: readonly IndexEntry[];
}

/** A version a package name must have, and why (multi-arch pinning). */
export interface Pin {
  readonly version: string;
  /** Who demands it, e.g. `x86_64[busybox=1.36.1-r2]`. */
  readonly by: string;
}

/** Input of `resolve`. */
export interface ResolveRequest {
  readonly repositories: readonly ResolverRepository[];
  /** Dependency atoms, as in `contents.packages` of an apko.yaml. */
  readonly world: readonly string[];
  /** The apk architecture (`x86_64`, `aarch64`, …); `noarch` entries always qualify. */
  readonly arch: string;
  /**
   * apk-tools 2.14 installs the only provider of a virtual name even without a
   * provider priority. The project rule is stricter (a virtual name is never
   * chosen implicitly); set this to get apk-tools' behaviour.
   */
  readonly autoSelectSingleVirtual?: boolean;
  /**
   * Refuse a virtual name that no rule decides and list its providers, as
   * apk-tools does (`--strict-providers`). By default such a name is given
   * the provider apko would pick, and the choice is reported in `choices`.
   */
  readonly strictProviders?: boolean;
  /** Package name → the only version it may have. */
  readonly pins?: ReadonlyMap<string, Pin>;
  /** `name-version` → architectures where it is missing (such packages are rejected). */
  readonly missingOn?: ReadonlyMap<string, readonly string[]>;
}

/** Why a package is in the result. */
export type Selection = 'world' | 'dependency' | 'install_if';

/** One chosen package: its index entry plus where it comes from and why. */
export interface ResolvedPackage extends IndexEntry {
  /** `ResolverRepository.name` of the repository it comes from. */
  readonly repository: string;
  readonly repositoryTag?: string;
  readonly selectedBy: Selection;
  /**
   * `world` and/or the `name-version` of each chosen package that depends on
   * it (for install_if packages: the packages that triggered it), sorted.
   */
  readonly requiredBy: readonly string[];
}

/** A requirement between two nodes of the resolution graph. */
export interface ResolutionEdge {
  /** `world` or a `name-version`. */
  readonly from: string;
  /** A `name-version`. */
  readonly to: string;
  /** The atom that made the edge (`so:libc.musl-x86_64.so.1`, `busybox>=1.35`). */
  readonly atom: string;
  readonly kind: 'depend' | 'install_if';
}

/** A virtual name given a provider because no apk-tools rule decided it. */
export interface ProviderChoice {
  readonly name: string;
  /** `name-version` of the chosen provider. */
  readonly chosen: string;
  /** The other acceptable providers, `name-version`, sorted. */
  readonly others: readonly string[];
  /** Who asked for the name first: `world[…]` or `name-version[atom]`. */
  readonly requiredBy: string;
}

/** Output of `resolve`: packages in install order (dependencies before dependents). */
export interface Resolution {
  readonly arch: string;
  readonly world: readonly string[];
  readonly packages: readonly ResolvedPackage[];
  /** Virtual names chosen as apko chooses them, in the order they were chosen. */
  readonly choices: readonly ProviderChoice[];
  /** Sorted by from, to, atom. */
  readonly edges: readonly ResolutionEdge[];
}
