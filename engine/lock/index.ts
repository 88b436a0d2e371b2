/**
 * Lock files in apko's format: the packages of every architecture pinned to
 * exact bytes (member ranges and digests), the keys embedded. Written by
 * `apko-nx lock`, read by `build --lockfile`.
 */
export type { LockFile, LockedPackage, LockedKey, LockedRepository, LockedSection } from './types';
export { parseLockFile, parseRange } from './read';
export { formatLockFile, lockedPackage, makeLockFile, type LockInput } from './write';
