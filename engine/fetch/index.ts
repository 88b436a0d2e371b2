/**
 * The fetch stage. Input: a loaded config (resolved builds) or a lock file
 * (locked builds). Output: every arch's packages, verified, in install order.
 * Invariant: package bytes enter only through `fetchVerified`, which checks
 * the `C:` checksum, caps the size and evicts a stored copy that fails.
 */
export { fetchPackageBytes, fetchVerified, packageChecksumOf, verifyPackageChecksum, FETCH_CONCURRENCY, type FetchPackageOptions, type PackageRef } from './package';
export { resolveWorld, repositoryOf, type BaseWorld, type ResolvedWorld } from './world';
export { fetchResolved, resolveArchs, resolvePackages, type ResolvedArchs } from './resolved';
export { lockedFor, lockedPackages, readLockFor } from './locked';
export type { ArchPackages, PackageIO } from './types';
