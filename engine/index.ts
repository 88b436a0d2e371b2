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
