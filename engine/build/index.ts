/**
 * The image build orchestrator: normalized options in, an OCI layout or
 * tarball plus SBOMs out. Only this module (and engine/index.ts) sees every
 * stage.
 */
export { buildImageFromConfig, buildDateFor, type BuildResult } from './build-image';
export { normalizeBuildOptions, type BuildOptions, type NormalizedBuildOptions } from './options';
export { resolvePackages, buildRepositories, runtimeRepositories, type ArchPackages, type PackageIO } from './packages';
export { buildArchImage, lockedWorld, type ArchImage } from './arch-image';
export { shellWords } from './shell-words';
export { toolVersion } from './tool-version';
export { outputKindOf, type OutputKind } from './outputs';
export { resolveImagePackages, formatPackageLine, PACKAGE_FORMATS, type PackageLine } from './show-packages';
export { resolveWorld, type ResolvedWorld } from './packages';
export { buildMinirootfs } from './minirootfs';
export { lockImage, lockConfig, defaultLockPath } from './lock-image';
