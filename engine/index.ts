/**
 * The engine's public API (`@apko/nx/engine`). The CLI, the Nx executors and
 * other tools import only from here. Input: configs, repositories, keys;
 * output: verified packages and indexes, resolved package sets, images.
 */
export * from './errors';
export * from './digest';
export { splitMembers, readMember, gzipMember, type GzipMember } from './apk/gzip-members';
export { readTar } from './tar/read';
export { writeTar, encodeHeader, type TarHeaderInput } from './tar/write';
export type { TarEntry, TarHeader, TarEntryType } from './tar/types';
export {
  signBytes,
  verifySignatures,
  signatureName,
  parseSignatureName,
  type Keyring,
  type SignatureAlgorithm,
  type SignatureEntry,
} from './apk/signature';
export { generateKeyPair, publicKeyFromPrivate, keyBaseName, type KeyPair } from './apk/keys';
export type { PkgInfo, IndexEntry } from './apk/types';
export type { ApkPackage, MemberSpan } from './apk/package';
export { Tree, treePath, type TreeNode } from './rootfs/tree';

export { compareVersions, isValidVersion, fuzzyMatch, satisfies, type VersionOp } from './apk/version';
export { parseDependency, formatDependency, parseProvides, dependencyMatches, type Dependency, type Provide } from './apk/dependency';
export { parsePkgInfo, formatPkgInfo } from './apk/pkginfo';
export { readApk, readApkBytes, toIndexEntry, type ReadApkOptions } from './apk/package-read';
export { writeApk, signApk, sortForPackage, type ApkFileInput, type WriteApkInput, type SigningKey } from './apk/package-write';
export { readApkIndex, type ApkIndex, type ReadApkIndexOptions } from './apk/index-read';
export { writeApkIndex, signApkIndex, type WriteApkIndexOptions, type IndexSigningKey } from './apk/index-write';

export {
  loadRepository,
  loadKeyring,
  parseRepository,
  redactUrl,
  createHttpClient,
  type LoadedRepository,
  type LoadRepositoryOptions,
  type HttpClient,
} from './repo';
export { fetchPackageBytes } from './fetch';
export { toolVersion } from './tool-version';
export { openStore, defaultCacheDir, cleanCache, type Store } from './store';

export { loadImageConfig, printConfig, parseArch, resolveArchs, hostArch, type LoadedConfig, type ImageConfig, type Arch, type ConfigOverrides } from './config';
export { resolve, resolveMultiArch, toDot, type Resolution, type ResolvedPackage, type ResolverRepository } from './resolve';
export { validateLayout } from './oci';

export {
  buildImageFromConfig,
  buildMinirootfs,
  lockImage,
  defaultLockPath,
  normalizeBuildOptions,
  normalizeBuildRequest,
  normalizeResolveRequest,
  normalizeLockRequest,
  normalizeMinirootfsRequest,
  resolveImagePackages,
  formatPackageLine,
  PACKAGE_FORMATS,
  type PackageLine,
  type BuildOptions,
  type BuildRequest,
  type ResolveRequest,
  type LockRequest,
  type MinirootfsRequest,
  type NormalizedBuildOptions,
  type BuildResult,
} from './image';
export { writeExampleWorkspace, EXAMPLE_CONFIG, type ExampleWorkspace } from './example/example-workspace';
export { writeLocalRepository, type PackageSpec } from './example/local-repository';
export { parseLockFile, formatLockFile, type LockFile, type LockedPackage } from './lock';
export {
  buildMelangePackages,
  normalizeMelangeBuildOptions,
  readSigningKey,
  runnerFacts,
  MELANGE_BUILD_DEFAULTS,
  RUNNER_NAMES,
  type MelangeBuildRequest,
  type MelangeSigningKey,
  melangeKeygen,
  melangeIndex,
  melangeSignIndex,
  loadMelangeConfig,
  type MelangeBuildOptions,
  type MelangeBuildResult,
  type BuiltPackage,
  type KeygenResult,
} from './melange';
export { rootPreparer, environmentConfig, type PrepareRootOptions } from './buildroot/prepare-root';
export { materializeTree, type MaterializeOptions, type MaterializeResult } from './buildroot/materialize';
export { publishImage, normalizePublishRequest, normalizePublishOptions, type PublishRequest, type PublishOptions, type NormalizedPublishOptions, type PublishResult } from './publish/publish';
export { formatError, type FormatErrorOptions } from './report/format-error';
export { compareBytes } from './order';
export { BUILD_DEFAULTS, WORKSPACE_DEFAULTS, defaultImageTag } from './defaults';
export { readImageFacts, readPackageFacts, sameConfigData, indexPackageOwners, ownersProviding, type ImageFacts, type PackageFacts, type PackageOwners } from './config/facts';
