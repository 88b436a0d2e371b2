/** The ELF reader lives in the engine's leaves (engine/elf.ts), shared with the rootfs' ld.so.cache. */
export { ET_DYN, ET_EXEC, parseElf, readElfFile, type ElfInfo } from '../elf';
