/**
 * melange-compatible package building. Input: a melange.yaml and its sources;
 * output: signed .apk files in `<outDir>/<arch>/` and that directory's
 * APKINDEX.tar.gz. Invariants: the same inputs and build date give the same
 * bytes, and nothing is written unless every pipeline step succeeded.
 */
export { buildMelangePackages, type BuiltPackage, type MelangeBuildResult, type MelangeBuildSeams } from './build';
export { normalizeMelangeBuildOptions, MELANGE_BUILD_DEFAULTS, type MelangeBuildOptions, type MelangeBuildRequest } from './build-options';
export { readSigningKey, type MelangeSigningKey } from './signing-key';
export { RUNNERS, RUNNER_NAMES, parseRunnerName, runnerFacts, type RunnerName } from './runners';
export type { Runner, RunnerContext, RunnerDefinition, RunnerFacts } from './runner';
export { loadMelangeConfig, type LoadedMelangeConfig, type LoadMelangeOptions } from './load';
export type { MelangeConfig, PackageSpec, SubpackageSpec, PipelineStep, BuildEnvironment, Dependencies, PackageOptions } from './model';
export { melangeKeygen, type KeygenResult } from './keygen';
export { melangeIndex, melangeSignIndex, addToRepository, INDEX_NAME, type MelangeIndexOptions, type MelangeSignIndexOptions } from './repository';
export { CHROOT_WORKSPACE } from './runner-chroot';
export { BUILTIN_USES } from './pipelines';
export { parseElf, readElfFile, type ElfInfo } from './elf';
export { melangeSign, type MelangeSignOptions, type MelangeSignResult } from './sign';
export { melangeCompile, encodeCompiled, type MelangeCompileOptions } from './compile';
export { melangeBump, type MelangeBumpOptions, type MelangeBumpResult, type StaleFetch } from './bump';
export { melangeQuery, PACKAGE_VERSION_TEMPLATE } from './query';
export { melangeTest, type MelangeTestOptions, type MelangeTestResult } from './test';
export { melangeLint, type MelangeLintOptions } from './lint/apk';
export { DEFAULT_LINT_REQUIRE, DEFAULT_LINT_WARN } from './lint';
