/**
 * `@apko/nx/engine/format`: the format-level pieces for library users and
 * tests that read or make the artefacts themselves — APK packages and
 * indexes, lock files, OCI layouts, and signed local repositories. The image
 * and melange verbs are in `@apko/nx/engine`.
 */
export { readApkBytes, type ReadApkOptions } from './apk/package-read';
export type { ApkPackage } from './apk/package';
export type { PkgInfo, IndexEntry } from './apk/types';
export { readApkIndex, type ApkIndex } from './apk/index-read';
export { generateKeyPair, type KeyPair } from './apk/keys';
export { parseLockFile, formatLockFile, type LockFile, type LockedPackage } from './lock';
export { validateLayout, type LayoutSummary } from './oci';
export { writeLocalRepository, type PackageSpec } from './example/local-repository';
export { loadMelangeConfig } from './melange/load';
