/**
 * melange-compatible package building. Input: a melange.yaml and its sources;
 * output: signed .apk files in `<outDir>/<arch>/` and that directory's
 * APKINDEX.tar.gz. Invariants: the same inputs and build date give the same
 * bytes, and nothing is written unless every pipeline step succeeded.
 */
export { buildMelangePackage, type BuiltPackage, type MelangeBuildResult } from './build';
export {
  normalizeMelangeBuildOptions,
  type MelangeBuildOptions,
  type MelangeSigningKey,
  type NormalizedMelangeBuildOptions,
} from './build-options';
export { loadMelangeConfig, type LoadedMelangeConfig, type LoadMelangeOptions } from './load';
export type { MelangeConfig, PackageSpec, SubpackageSpec, PipelineStep, BuildEnvironment, Dependencies, PackageOptions } from './model';
export { melangeKeygen, type KeygenResult } from './keygen';
export { melangeIndex, melangeSignIndex, addToRepository, INDEX_NAME, type MelangeIndexOptions, type MelangeSignIndexOptions } from './repository';
export { CHROOT_WORKSPACE, type PrepareRoot } from './runner-chroot';
export { BUILTIN_USES } from './builtins';
export { parseElf, readElfFile, type ElfInfo } from './elf';
