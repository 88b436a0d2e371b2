/**
 * The rootfs stage: verified packages plus image settings in, an in-memory
 * filesystem tree out, laid out as apko lays it out (apk database, accounts,
 * paths, busybox links) but keeping package file ownership. Nothing touches
 * the host; the tree is a pure function of the input. Hostile package
 * content is refused as it is installed (install.ts with apk/safe-path.ts:
 * names, links, whiteouts, devices, duplicates) and as the database is
 * written (installed-record.ts, scripts-tar.ts, triggers.ts: no value that
 * breaks a line); setuid, setgid and capability files are kept and listed
 * (privileged-files.ts).
 */
export { buildRootfs } from './build-rootfs';
export type {
  AccountsInput,
  CertificatesInput,
  ApkoJsonSource,
  EntrypointInput,
  GroupInput,
  PathMutation,
  PathMutationType,
  RootfsInput,
  RootfsResult,
  RuntimeKey,
  UserInput,
} from './options';
export { Tree, TreePathError, comparePaths, nodeBytes, nodeChunks, nodeSize, treePath, type NodeAttrs, type TreeNode } from './tree';
export { formatInstalled, parseInstalled, recordFromLines, INSTALLED_DB, type InstalledFile, type InstalledLine, type InstalledRecord } from './installed-db';
export { replacesPairs, rootfsFacts, NO_FACTS, type PackageFacts, type RootfsFacts } from './layer-facts';
export { installedRecord } from './installed-record';
export { parseOsRelease, readOsRelease } from './os-release';
export { pathCompare } from './path-order';
export { DB_DIR } from './base-layout';
export { baseIndexEntries, basePins, baseStanza, parseBasePackages, type BasePackage } from './base-packages';
export { installCertificates, CA_BUNDLES } from './certificates';
export { privilegedFiles, privilegedFileLines, type PrivilegedFile } from './privileged-files';
