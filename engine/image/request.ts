/**
 * One request type per verb, normalized once. The CLI and the Nx executors
 * hand loose values to the normalizers below; inner stages see only the
 * complete, readonly result. Verbs that resolve without building (show-packages,
 * dot, lock, build-minirootfs) take no tag; `build` says explicitly whether
 * it writes an OCI layout or a tarball, and the engine makes the directory.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { hostArch } from '../arch';
import type { ConfigOverrides } from '../config';
import type { LayeringStrategy } from '../layer';
import type { SbomFormat } from '../sbom/format';
import { sbomFormat } from '../sbom/format-registry';
import { defaultCacheDir } from '../store/dir';
import { BUILD_DEFAULTS } from '../defaults';
import { checkBuildTag } from '../reference';
import { fetchLimitsFrom, type DurationInput, type FetchLimits } from '../net/limits';
import { normalizePackageLimits, type PackageLimits, type PackageLimitsInput } from '../fetch/limits';

/** What every verb that reads an apko.yaml takes: the config, its overrides and the I/O. */
export interface ResolveRequest extends ConfigOverrides {
  /** Path of the apko.yaml. */
  readonly config: string;
  readonly cacheDir?: string;
  readonly offline?: boolean;
  /** Working directory (apko's -C); relative paths resolve against it. */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Progress lines (stderr in the CLI). */
  readonly log?: (line: string) => void;
  /** More progress, including the cache location. */
  readonly verbose?: boolean;
  /** Derive `vcs-url` from git when the config has none (apko's --vcs; off by default here, see engine/git.ts). */
  readonly vcs?: boolean;
  /** Deadline of one HTTP request to a repository or registry (`30s`, `5m`, or ms); default $APKO_NX_FETCH_TIMEOUT, else 5m. */
  readonly fetchTimeout?: DurationInput;
  /** Longest wait for a server's headers or next bytes (`30s`, or ms); default $APKO_NX_STALL_TIMEOUT, else 30s. */
  readonly stallTimeout?: DurationInput;
  /** Size limits in bytes (apko's `--max-apk…` flags; 0 for the default, -1 for none); defaults in engine/defaults.ts. */
  readonly limits?: PackageLimitsInput;
  /** Install packages whose data no datahash vouches for, naming each in a warning (`--allow-unverified-data`; default false). */
  readonly allowUnverifiedData?: boolean;
}

/** An image output: an OCI layout directory or a docker-loadable tarball. */
export type { OutputKind } from '../oci';
import type { OutputKind } from '../oci';

/** Where and as what an image is written. */
export interface OutputTarget {
  readonly path: string;
  readonly kind: OutputKind;
}

/** `build` (and publish's build). */
export interface BuildRequest extends ResolveRequest {
  /** Image reference to name the result with, e.g. `myimage:latest`. */
  readonly tag: string;
  /**
   * Where to write the image. A bare path follows apko's rule (an existing
   * directory, or a path ending in `/`, is a layout; anything else a tarball).
   */
  readonly output?: string | OutputTarget;
  /** Where SBOMs go; default: beside the output. */
  readonly sbomPath?: string;
  /** Write SBOMs (default true). */
  readonly sbom?: boolean;
  /** SBOM formats, by name (`spdx`) or as a library user's own format (default `['spdx']`). */
  readonly sbomFormats?: ReadonlyArray<string | SbomFormat>;
  /** Install exactly the packages of this lock file (no index is read). */
  readonly lockfile?: string;
  /** The command a stale or missing lock file's hint says to run (default `apko-nx lock <config>`; the Nx executor names its lock target). */
  readonly relockCommand?: string;
  /** A library user's own layering strategy, instead of what `layering:` in the config asks for. */
  readonly layeringStrategy?: LayeringStrategy;
}

/** `lock`. */
export interface LockRequest extends ResolveRequest {
  /** Where to write; default `<config-basename>.lock.json` beside the config. */
  readonly output?: string;
}

/** `build-minirootfs`. */
export interface MinirootfsRequest extends ResolveRequest {
  /** The .tar.gz to write. */
  readonly output: string;
}

/** A complete resolve request. */
export interface NormalizedResolveRequest {
  readonly config: string;
  readonly cacheDir: string;
  readonly offline: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly overrides: ConfigOverrides;
  readonly log: (line: string) => void;
  readonly verbose: boolean;
  readonly vcs: boolean;
  /** How long each HTTP request may take (engine/net/limits.ts). */
  readonly fetch: FetchLimits;
  readonly limits: PackageLimits;
  readonly allowUnverifiedData: boolean;
}

/** A complete build request. */
export interface NormalizedBuildRequest extends NormalizedResolveRequest {
  readonly tag: string;
  readonly output?: OutputTarget;
  readonly sbomPath?: string;
  readonly sbom: boolean;
  /** At least one (documents refuse a format asked twice). */
  readonly sbomFormats: readonly SbomFormat[];
  readonly lockfile?: string;
  readonly relockCommand: string;
  readonly layeringStrategy?: LayeringStrategy;
}

/** A complete lock request. */
export interface NormalizedLockRequest extends NormalizedResolveRequest {
  readonly output?: string;
}

/** A complete build-minirootfs request. */
export interface NormalizedMinirootfsRequest extends NormalizedResolveRequest {
  readonly output: string;
}

/** apko's output rule for a bare path: an existing directory, or a path ending in a separator, is a layout. */
export function outputTargetFor(path: string): OutputTarget {
  const dir = /[\\/]$/.test(path) || (existsSync(path) && statSync(path).isDirectory());
  return { path, kind: dir ? 'layout' : 'docker-archive' };
}

function absolute(cwd: string): (p: string) => string {
  return (p) => resolve(cwd, p);
}

function overridesOf(o: ConfigOverrides): ConfigOverrides {
  return {
    arch: o.arch,
    ignoreSignatures: o.ignoreSignatures,
    strictProviders: o.strictProviders,
    repositoryAppend: o.repositoryAppend,
    keyringAppend: o.keyringAppend,
    buildRepositoryAppend: o.buildRepositoryAppend,
    packageAppend: o.packageAppend,
    annotations: o.annotations,
    buildDate: o.buildDate,
    format: o.format,
    includePaths: o.includePaths,
  };
}

/** Fills defaults and makes paths absolute against `cwd` (default: the request's, else the process's). */
export function normalizeResolveRequest(o: ResolveRequest, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedResolveRequest> {
  const abs = absolute(cwd);
  const env = o.env ?? process.env;
  return Object.freeze({
    config: abs(o.config),
    cacheDir: defaultCacheDir({ cacheDir: o.cacheDir === undefined ? undefined : abs(o.cacheDir), env, cwd }),
    offline: o.offline ?? BUILD_DEFAULTS.offline,
    cwd,
    env,
    overrides: overridesOf(o),
    log: o.log ?? (() => undefined),
    verbose: o.verbose ?? BUILD_DEFAULTS.verbose,
    vcs: o.vcs ?? BUILD_DEFAULTS.vcs,
    fetch: fetchLimitsFrom(o, env),
    limits: normalizePackageLimits(o.limits),
    allowUnverifiedData: o.allowUnverifiedData ?? false,
  });
}

/** The formats a build writes: names looked up (an unknown one refused), objects taken as given. A format asked twice is refused where documents are made (image/sboms.ts), with two formats writing one file. */
function sbomFormatsOf(given: BuildRequest['sbomFormats']): SbomFormat[] {
  const asked = given !== undefined && given.length > 0 ? given : BUILD_DEFAULTS.sbomFormats;
  return asked.map((f) => (typeof f === 'string' ? sbomFormat(f) : f));
}

/** Normalizes a build request; a bare output path gets its kind by apko's rule. */
export function normalizeBuildRequest(o: BuildRequest, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedBuildRequest> {
  // Every shell's tag passes publish's rule before anything is read or written.
  checkBuildTag(o.tag);
  const abs = absolute(cwd);
  // The kind is read off the path as given: resolving it would drop a trailing separator.
  const output =
    o.output === undefined
      ? undefined
      : typeof o.output === 'string'
        ? { path: abs(o.output), kind: outputTargetFor(abs(o.output) + (/[\\/]$/.test(o.output) ? '/' : '')).kind }
        : { path: abs(o.output.path), kind: o.output.kind };
  return Object.freeze({
    ...normalizeResolveRequest(o, cwd),
    tag: o.tag,
    ...(output !== undefined ? { output } : {}),
    ...(o.sbomPath !== undefined ? { sbomPath: abs(o.sbomPath) } : {}),
    sbom: o.sbom ?? BUILD_DEFAULTS.sbom,
    sbomFormats: sbomFormatsOf(o.sbomFormats),
    ...(o.lockfile !== undefined ? { lockfile: abs(o.lockfile) } : {}),
    relockCommand: o.relockCommand ?? `apko-nx lock ${o.config}`,
    ...(o.layeringStrategy !== undefined ? { layeringStrategy: o.layeringStrategy } : {}),
  });
}

/** Normalizes a lock request. */
export function normalizeLockRequest(o: LockRequest, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedLockRequest> {
  return Object.freeze({ ...normalizeResolveRequest(o, cwd), ...(o.output !== undefined ? { output: absolute(cwd)(o.output) } : {}) });
}

/** Normalizes a build-minirootfs request; without an arch it builds the host's (apko's `--build-arch` default). */
export function normalizeMinirootfsRequest(o: MinirootfsRequest, cwd: string = o.cwd ?? process.cwd()): Readonly<NormalizedMinirootfsRequest> {
  const given = typeof o.arch === 'string' ? [o.arch] : (o.arch ?? []);
  const arch = given.length > 0 ? given : [hostArch().apk];
  return Object.freeze({ ...normalizeResolveRequest({ ...o, arch }, cwd), output: absolute(cwd)(o.output) });
}
