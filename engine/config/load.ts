/**
 * `loadImageConfig`: the config stage's entry point. Reads the file and its
 * includes, validates each, merges them (apko's MergeInto), applies the CLI
 * overrides, checks the merged rules, runs apko's Validate() mutations and
 * resolves the architectures and the build date. The checksum covers the
 * bytes of every file read, in reading order, as apko's lock file does.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { hostArch, resolveArchs, type Arch } from '../arch';
import { parseSourceDateEpoch } from './build-date';
import { readChain, type ChainFile } from './include/chain';
import { mergeInto } from './include/merge';
import { finalizeConfig } from './normalize';
import { applyOverrides, normalizeOverrides, type ConfigOverrides } from './overrides';
import type { ImageConfig } from './types';
import { checkMerged, type Locator } from './validate';
import type { PathSegment } from '../yaml/tree';

/** The environment and places a load depends on; all default to the process's. */
export interface LoadOptions {
  /** Working directory (apko's `-C`): relative config, include, repository and key paths start here. */
  readonly cwd?: string;
  /** Read for `SOURCE_DATE_EPOCH`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The architecture `host` means. */
  readonly host?: Arch;
}

/** A loaded, merged, validated configuration and the facts derived from loading it. */
export interface LoadedConfig {
  /** Absolute path of the top-level config. */
  readonly file: string;
  readonly config: ImageConfig;
  /** `sha256-<base64>` over the bytes of every loaded file (apko.lock.json `config.checksum`). */
  readonly checksum: string;
  /** Absolute paths of every file read, top-level first. */
  readonly files: readonly string[];
  /** The architectures to build: `--arch`, else `archs`, else all; sorted. */
  readonly archs: readonly Arch[];
  /** Unix seconds: exact when `sourceDateEpochSet`, else the `--build-date` floor; undefined means "newest package build time". */
  readonly buildDate?: number;
  readonly sourceDateEpochSet: boolean;
  readonly ignoreSignatures: boolean;
  /** Refuse virtual names no rule decides (`--strict-providers`) instead of choosing as apko does. */
  readonly strictProviders: boolean;
  /** The directory relative repository, keyring and baseimage paths resolve against (apko: the working dir). */
  readonly workDir: string;
  readonly warnings: readonly string[];
}

/** Lists concatenated by the merge, whose merged index must be mapped back to a file. */
const CONCATENATED: ReadonlyArray<[readonly string[], (c: ImageConfig) => readonly unknown[]]> = [
  [['contents', 'build_repositories'], (c) => c.contents.buildRepositories],
  [['contents', 'runtime_repositories'], (c) => c.contents.runtimeRepositories],
  [['contents', 'repositories'], (c) => c.contents.repositories],
  [['contents', 'keyring'], (c) => c.contents.keyring],
  [['contents', 'runtime_keyring'], (c) => c.contents.runtimeKeyring],
  [['contents', 'packages'], (c) => c.contents.packages],
  [['accounts', 'users'], (c) => c.accounts.users],
  [['accounts', 'groups'], (c) => c.accounts.groups],
  [['paths'], (c) => c.paths],
  [['volumes'], (c) => c.volumes],
];

/** Maps a path of the merged config to the file and position that wrote it. */
function locatorFor(chain: readonly ChainFile[]): Locator {
  return (path: readonly PathSegment[]) => {
    for (const [prefix, get] of CONCATENATED) {
      if (path.length > prefix.length && prefix.every((p, i) => path[i] === p) && typeof path[prefix.length] === 'number') {
        let index = path[prefix.length] as number;
        // Merged lists hold the deepest include's entries first.
        for (const f of [...chain].reverse()) {
          const n = get(f.config).length;
          const local = [...prefix, index, ...path.slice(prefix.length + 1)];
          if (index < n) return { file: f.display, path: local, ...f.tree.locate(local) };
          index -= n;
        }
        return undefined;
      }
    }
    // Scalars and map keys: the includer wins, so the first file (top-down) that wrote it.
    for (const f of chain) {
      let v: unknown = f.tree.value;
      for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[seg as string] : undefined;
      if (v !== undefined) return { file: f.display, path: [...path], ...f.tree.locate(path) };
    }
    return undefined;
  };
}

/** Loads `path` (apko.yaml) with its includes and the CLI overrides into one normalized configuration. */
export async function loadImageConfig(path: string, overrides: ConfigOverrides = {}, opts: LoadOptions = {}): Promise<LoadedConfig> {
  const cwd = resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  const flags = normalizeOverrides(overrides);
  const sourceDateEpoch = parseSourceDateEpoch(env.SOURCE_DATE_EPOCH);
  const warnings: string[] = [];
  const chain = await readChain(path, { cwd, includePaths: flags.includePaths }, warnings);
  const merged = chain.reduceRight<ImageConfig | undefined>((base, f) => (base === undefined ? f.config : mergeInto(base, f.config)), undefined)!;
  const overridden = applyOverrides(merged, flags);
  checkMerged(overridden, locatorFor(chain), chain[0]!.display);
  const config = finalizeConfig(overridden);
  const hash = createHash('sha256');
  for (const f of chain) hash.update(f.bytes);
  return Object.freeze({
    file: chain[0]!.path,
    config,
    checksum: `sha256-${hash.digest('base64')}`,
    files: Object.freeze(chain.map((f) => f.path)),
    archs: Object.freeze(resolveArchs(flags.archs, config.archs, opts.host ?? (() => hostArch()))),
    ...(sourceDateEpoch !== undefined ? { buildDate: sourceDateEpoch } : flags.buildDate !== undefined ? { buildDate: flags.buildDate } : {}),
    sourceDateEpochSet: sourceDateEpoch !== undefined,
    ignoreSignatures: flags.ignoreSignatures,
    strictProviders: flags.strictProviders,
    workDir: cwd,
    warnings: Object.freeze(warnings),
  });
}
