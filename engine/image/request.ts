/**
 * The one options object of an image build, normalized once: the CLI and the
 * Nx executors hand loose values to `normalizeBuildOptions`, inner stages see
 * only the complete, readonly result.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ConfigOverrides } from '../config';
import { defaultCacheDir } from '../store';

/** Loose build options, as a CLI or an executor collects them. */
export interface BuildOptions extends ConfigOverrides {
  /** Path of the apko.yaml. */
  config: string;
  /** Image reference to name the result with, e.g. `myimage:latest`. */
  tag: string;
  /** An existing directory (OCI layout) or a file path (docker-loadable tarball). */
  output?: string;
  /** Where SBOMs go; default: beside the output. */
  sbomPath?: string;
  /** Write SBOMs (default true). */
  sbom?: boolean;
  cacheDir?: string;
  offline?: boolean;
  /** Install exactly the packages of this lock file (no index is read). */
  lockfile?: string;
  /** Working directory (apko's -C). */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
  /** More progress, including the cache location. */
  verbose?: boolean;
  /** Derive `vcs-url` from git when the config has none (apko's --vcs; off by default here, see vcs.ts). */
  vcs?: boolean;
}

/** Complete build options. */
export interface NormalizedBuildOptions {
  readonly config: string;
  readonly tag: string;
  readonly output?: string;
  readonly sbomPath?: string;
  readonly sbom: boolean;
  readonly cacheDir: string;
  readonly offline: boolean;
  readonly lockfile?: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly overrides: ConfigOverrides;
  readonly log: (line: string) => void;
  readonly verbose: boolean;
  readonly vcs: boolean;
}

/** Fills defaults and makes paths absolute against `cwd`. */
export function normalizeBuildOptions(o: BuildOptions, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedBuildOptions> {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p));
  const env = o.env ?? process.env;
  const overrides: ConfigOverrides = {
    arch: o.arch,
    ignoreSignatures: o.ignoreSignatures,
    repositoryAppend: o.repositoryAppend,
    keyringAppend: o.keyringAppend,
    buildRepositoryAppend: o.buildRepositoryAppend,
    packageAppend: o.packageAppend,
    annotations: o.annotations,
    buildDate: o.buildDate,
    format: o.format,
    includePaths: o.includePaths,
  };
  return Object.freeze({
    config: abs(o.config),
    tag: o.tag,
    output: o.output === undefined ? undefined : abs(o.output),
    sbomPath: o.sbomPath === undefined ? undefined : abs(o.sbomPath),
    sbom: o.sbom ?? true,
    cacheDir: defaultCacheDir({ cacheDir: o.cacheDir === undefined ? undefined : abs(o.cacheDir), env, cwd }),
    offline: o.offline ?? false,
    lockfile: o.lockfile === undefined ? undefined : abs(o.lockfile),
    cwd,
    env,
    overrides,
    log: o.log ?? (() => undefined),
    verbose: o.verbose ?? false,
    vcs: o.vcs ?? false,
  });
}
