/**
 * The config stage: apko.yaml (+ includes, + CLI overrides) → a validated,
 * normalized, frozen `ImageConfig`, the architectures to build, the build date
 * and the config checksum. Also the two renderings of a config apko has:
 * `show-config` YAML and `/etc/apko.json`. Reads files; never the network.
 */
export { loadImageConfig, type LoadedConfig, type LoadOptions } from './load';
export { parseConfigText, type ParsedConfigFile } from './parse';
export type * from './types';
export {
  ALL_ARCHS,
  parseArch,
  hostArch,
  resolveArchs,
  expandArchs,
  checkArchWords,
  type HostArch,
  compareArchs,
  isArch,
  type Arch,
  type ApkArch,
  type OciArch,
  type ArchName,
} from '../arch';
export { normalizeOverrides, applyOverrides, splitFlagList, parseAnnotationFlags, type ConfigOverrides, type NormalizedOverrides } from './overrides';
export { parseBuildDate, parseSourceDateEpoch } from './build-date';
export { printConfig } from './print';
export { apkoJson, type ApkoJsonInput } from './apko-json';
export { parseRepositoryEntry, resolveLocation, buildRepositories, runtimeRepositories, type RepositoryRef } from './repository';
export { userDefaults, S6_COMMAND } from './normalize';
export { mergeInto } from './include/merge';
export { imageConfigSchema } from './schema';
export { formatPath, type YamlTree, type Position, type PathSegment } from '../yaml/tree';
