/**
 * `@apko/nx/engine/workspace`: what the Nx plugin and the generators need,
 * without loading the image engine (inference runs on every graph
 * computation, so it must stay light): lenient config facts, the defaults
 * table, the byte order, and workspace signing keys.
 */
export { readImageFacts, readPackageFacts, sameConfigData, indexPackageOwners, ownersProviding, type ImageFacts, type PackageFacts, type PackageOwners } from './config/facts';
export { BUILD_DEFAULTS, WORKSPACE_DEFAULTS, MELANGE_BUILD_DEFAULTS, MELANGE_RUNNER_NAMES, PACKAGE_LIMIT_DEFAULTS, configStem, defaultImageTag, defaultLockPath, type MelangeRunnerName } from './defaults';
export { compareBytes } from './order';
export { generateKeyPair, publicKeyFromPrivate, type KeyPair } from './apk/keys';
export { isValidVersion } from './apk/version';
export { localSigningKeyPath } from './melange/signing-key';
