/**
 * cpio archives in the newc format, as apko's `build-cpio` writes them
 * (initramfs images). In: records (name, mode, contents, device numbers) in
 * the order to write. Out: the archive's bytes. Invariants: parents come
 * before what they hold, each name once, inode, owners, link count and times
 * are 0, the trailer is last.
 */
export { cpioChunks, CpioDuplicateError } from './archive';
export { charDevice, directory, regularFile, symlink, encodeRecord, normalizeName, TRAILER_NAME, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG, type CpioRecord } from './newc';
