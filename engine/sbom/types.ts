/**
 * What the SBOM stage is given. Everything arrives as plain values (the import
 * rule: sbom sees no oci or rootfs objects), so the orchestrator copies
 * the facts in from the resolved packages, the tree and the image digests.
 */

/** The fields of /etc/os-release the SBOM uses. */
export interface OsRelease {
  /** `ID`, e.g. `alpine`, `wolfi`; the purl namespace and `distro` qualifier. */
  readonly id: string;
  /** `NAME`, e.g. `Alpine Linux`. */
  readonly name: string;
  /** `VERSION_ID`, absent on some rolling distributions. */
  readonly versionId?: string;
  /** `PRETTY_NAME`. */
  readonly prettyName: string;
  /** `HOME_URL`. */
  readonly homeUrl?: string;
}

/** One installed package, as the index and the package's control data describe it. */
export interface SbomPackageInput {
  readonly name: string;
  /** Full version, `<ver>-r<rel>`. */
  readonly version: string;
  /** APK architecture, e.g. `x86_64`, `noarch`. */
  readonly arch: string;
  /** `L:`, verbatim; it may not be a valid SPDX expression. */
  readonly license: string;
  /** `T:`. */
  readonly description?: string;
  /** `U:`. */
  readonly url?: string;
  /** `o:`. */
  readonly origin?: string;
  /** `m:`, usually `Name <email>`. */
  readonly maintainer?: string;
  /** `C:`, `Q1` + base64(sha1 of the control member). */
  readonly checksum: string;
  /** Hex sha256 of the data member, from `.PKGINFO` `datahash`. */
  readonly datahash?: string;
  /** Names of other installed packages this one depends on (providers already resolved). */
  readonly depends: readonly string[];
  /** Parsed JSON of the package's `var/lib/db/sbom/<name>-<ver>.spdx.json`, if it ships one. */
  readonly embeddedSbom?: unknown;
}

/** Everything the SBOM of one architecture's image is made from. */
export interface ImageSbomInput {
  /** APK architecture, e.g. `x86_64`; names the output `sbom-<arch>.spdx.json`. */
  readonly arch: string;
  /** OCI architecture, e.g. `amd64`, for the image purl. */
  readonly ociArch: string;
  /** The image manifest digest, `sha256:<hex>`. */
  readonly imageDigest: string;
  /** The image reference or tag (`cgr.dev/org/name:tag`); names the image purl. */
  readonly imageRef?: string;
  /** SOURCE_DATE_EPOCH, in seconds. */
  readonly created: number;
  /** Parsed /etc/os-release of the image, undefined when it has none. */
  readonly os: OsRelease | undefined;
  readonly packages: readonly SbomPackageInput[];
  /** `vcs-url` of the config, `<repository url>@<commit>`. */
  readonly vcsUrl?: string;
  /** Version of apko-nx, for `creationInfo.creators`. */
  readonly toolVersion: string;
}

/** One per-architecture image of an index. */
export interface IndexImageInput {
  /** APK architecture. */
  readonly arch: string;
  /** OCI architecture (`amd64`, `arm64`, …). */
  readonly ociArch: string;
  /** The image manifest digest. */
  readonly digest: string;
}

/** Everything the SBOM of a multi-architecture index is made from. */
export interface IndexSbomInput {
  /** The index digest, `sha256:<hex>`. */
  readonly indexDigest: string;
  readonly images: readonly IndexImageInput[];
  readonly imageRef?: string;
  /** SOURCE_DATE_EPOCH, in seconds. */
  readonly created: number;
  readonly toolVersion: string;
}

/** One `copyright:` entry of a melange package. */
export interface PackageCopyright {
  readonly license: string;
  readonly attestation: string;
}

/** Everything the SBOM a package embeds (melange's `pkg/sbom`) is made from. */
export interface PackageSbomInput {
  readonly name: string;
  /** `<version>-r<epoch>`. */
  readonly fullVersion: string;
  /** APK architecture. */
  readonly arch: string;
  /** melange's `--namespace` (the distro, e.g. `wolfi`); `unknown` by default. */
  readonly namespace: string;
  readonly copyright: readonly PackageCopyright[];
  /** SOURCE_DATE_EPOCH, in seconds. */
  readonly sourceDateEpoch: number;
  /**
   * The melange.yaml, named relative to its repository, at the commit it was built from; `license` is its own
   * (melange's `--license`, default NOASSERTION), `repositoryUrl` its repository's (melange's `--git-repo-url`;
   * a github.com one gives the config's purl).
   */
  readonly configFile?: { readonly path: string; readonly commit: string; readonly license?: string; readonly repositoryUrl?: string };
  /** License texts by license id, from `copyright[].license-path`. */
  readonly licenseTexts: ReadonlyMap<string, string>;
}
