/**
 * The engine's public API (`@apko/nx/engine`): the verbs, their requests and
 * results, and the error classes. The CLI and the Nx executors import only
 * from here; the plugin and the generators from `./workspace` (light), and
 * format-level helpers live in `./format`. Everything else is internal.
 */
export * from './errors';
export { formatError, type FormatErrorOptions } from './report/format-error';

export {
  buildImageFromConfig,
  resolveImagePackages,
  lockImage,
  buildMinirootfs,
  buildCpio,
  showConfig,
  buildExampleImage,
  normalizeBuildRequest,
  normalizeResolveRequest,
  normalizeLockRequest,
  normalizeMinirootfsRequest,
  formatPackageLine,
  PACKAGE_FORMATS,
  type BuildRequest,
  type ResolveRequest,
  type LockRequest,
  type MinirootfsRequest,
  type CpioResult,
  type BuildResult,
} from './image';
export { toDot } from './resolve';
export { writeImageOutput } from './oci';
export { publishImage, normalizePublishRequest, type PublishRequest, type PublishResult } from './publish/publish';
export { defaultCredentials, dockerLogin, type CredentialSource, type Credential, type DockerLoginRequest, type DockerLoginResult } from './registry';
export type { SbomFormat, SbomDocument, ImageSbomInput, IndexSbomInput, PackageSbomInput } from './sbom';
export type { LayeringStrategy, LayerPlan } from './layer';
export type { RootfsFacts } from './rootfs';
export { privilegedFileLines, type PrivilegedFile } from './rootfs';
export { buildMelangePackages, normalizeMelangeBuildOptions, melangeKeygen, melangeIndex, melangeSignIndex, type MelangeBuildOptions, type MelangeBuildResult } from './melange';
export { melangeSign, melangeCompile, melangeBump, melangeQuery } from './melange';
export { cleanCache } from './store';
export { installKeys, type InstallKeysRequest, type InstalledKey } from './repo/install-keys';
export { toolVersion } from './tool-version';
export { checkBuildTag } from './reference';
