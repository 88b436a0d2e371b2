/**
 * Build roots. Input: a loaded config (or a melange `environment`) and its
 * verified packages. Output: the in-memory root filesystem, and for melange's
 * chroot runner that tree written to a directory on the host. The config →
 * rootfs mapping lives here once, for images and build environments alike.
 */
export { buildRootTree, lockedWorld, type RootTreeInputs } from './root-tree';
export { rootPreparer, environmentConfig, type PrepareRoot, type PrepareRootOptions, type RootEnvironment } from './prepare-root';
export { materializeTree, type MaterializeOptions, type MaterializeResult } from './materialize';
