/**
 * The image pipeline: one normalized request in, an OCI layout or tarball
 * plus SBOMs out (and the resolution-only verbs: show-packages, dot, lock,
 * build-minirootfs). Only this module, publish and engine/index.ts see every
 * stage.
 */
export { buildImageFromConfig, buildDateFor, type BuildResult } from './build';
export {
  normalizeBuildRequest,
  normalizeResolveRequest,
  normalizeLockRequest,
  normalizeMinirootfsRequest,
  outputTargetFor,
  type BuildRequest,
  type NormalizedBuildRequest,
  type ResolveRequest,
  type NormalizedResolveRequest,
  type LockRequest,
  type NormalizedLockRequest,
  type MinirootfsRequest,
  type NormalizedMinirootfsRequest,
  type OutputTarget,
} from './request';
export { buildArchImage, type ArchImage } from './arch-image';
export { shellWords } from './shell-words';
export { resolveImagePackages, formatPackageLine, PACKAGE_FORMATS, type PackageLine } from './show-packages';
export { buildMinirootfs } from './minirootfs';
export { buildCpio, cpioRecordsOf, type CpioResult } from './build-cpio';
export { lockImage, lockConfig } from './lock';
export { showConfig } from './show-config';
export { buildExampleImage, EXAMPLE_TAG, type ExampleResult } from './example';
