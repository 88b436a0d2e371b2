/**
 * The flags apko's build-like verbs share, and their mapping onto the
 * engine's build options. One table, so `build`, `show-packages`, `dot`,
 * `lock` and `publish` accept the same spellings.
 */
import type { BuildRequest, ResolveRequest } from '../engine';
import { PACKAGE_LIMIT_DEFAULTS } from '../engine/defaults';
import { bool, list, str, UsageError, type FlagSpec, type ParsedArgs } from './args';

/** Flags that change what gets resolved. */
export const RESOLVE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  arch: { type: 'list', split: true, value: 'ARCH', description: 'architectures to build (comma-separated or repeated); default: the config archs, else all' },
  'ignore-signatures': { type: 'boolean', description: 'do not verify repository index signatures' },
  'strict-providers': { type: 'boolean', description: 'refuse a name only virtual providers give, listing them (apk-tools), instead of choosing one as apko does' },
  'repository-append': { type: 'list', alias: 'r', value: 'REPO', description: 'extra repository, used at build time and written into the image' },
  'build-repository-append': { type: 'list', alias: 'b', value: 'REPO', description: 'extra build-time-only repository' },
  'keyring-append': { type: 'list', alias: 'k', value: 'KEY', description: 'extra trusted public key (path or URL)' },
  'package-append': { type: 'list', alias: 'p', value: 'PKG', description: 'extra package to install' },
  'cache-dir': { type: 'string', value: 'DIR', description: 'cache directory (default: $APKO_CACHE_DIR, else ~/.cache/apko-nx)' },
  offline: { type: 'boolean', description: 'no network: use the cache and local files only' },
  'include-paths': { type: 'list', value: 'DIR', description: 'extra directories to look for included configs in' },
  verbose: { type: 'boolean', description: 'print more progress, including the cache location' },
  'fetch-timeout': { type: 'string', value: 'DURATION', description: 'deadline of one download or registry request, retries included (default: $APKO_NX_FETCH_TIMEOUT, else 5m)' },
  'stall-timeout': { type: 'string', value: 'DURATION', description: 'give up a try when a server sends nothing for this long (default: $APKO_NX_STALL_TIMEOUT, else 30s)' },
  'allow-unverified-data': { type: 'boolean', description: 'install packages whose .PKGINFO has no datahash (nothing vouches for their data); each is named in a warning' },
  'max-apkindex-decompressed-size': { type: 'string', value: 'BYTES', description: `largest an APKINDEX may inflate to (0 = default ${PACKAGE_LIMIT_DEFAULTS.maxApkIndexDecompressedSize}, -1 = no limit)` },
  'max-apk-control-size': { type: 'string', value: 'BYTES', description: `largest a package's signature or control section may inflate to (0 = default ${PACKAGE_LIMIT_DEFAULTS.maxApkControlSize}, -1 = no limit)` },
  'max-apk-data-size': { type: 'string', value: 'BYTES', description: `largest a package's data section may inflate to (0 = default ${PACKAGE_LIMIT_DEFAULTS.maxApkDataSize}, -1 = no limit)` },
  'max-http-response-size': { type: 'string', value: 'BYTES', description: `largest HTTP response (index or package) accepted (0 = default ${PACKAGE_LIMIT_DEFAULTS.maxHttpResponseSize}, -1 = no limit)` },
};

/** The size-limit flags, as the request's limits (left out when not given, so the engine's defaults apply). */
function limitsFrom(p: ParsedArgs): Pick<ResolveRequest, 'limits'> {
  const limits = {
    ...(str(p, 'max-apkindex-decompressed-size') !== undefined ? { maxApkIndexDecompressedSize: str(p, 'max-apkindex-decompressed-size')! } : {}),
    ...(str(p, 'max-apk-control-size') !== undefined ? { maxApkControlSize: str(p, 'max-apk-control-size')! } : {}),
    ...(str(p, 'max-apk-data-size') !== undefined ? { maxApkDataSize: str(p, 'max-apk-data-size')! } : {}),
    ...(str(p, 'max-http-response-size') !== undefined ? { maxHttpResponseSize: str(p, 'max-http-response-size')! } : {}),
  };
  return Object.keys(limits).length > 0 ? { limits } : {};
}

/** Flags that change the image but not the package set. */
export const IMAGE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  annotations: { type: 'list', value: 'KEY:VALUE', description: 'OCI annotation (repeatable); overrides the config' },
  'build-date': { type: 'string', value: 'RFC3339', description: 'floor of the build date (SOURCE_DATE_EPOCH wins)' },
  sbom: { type: 'boolean', description: 'write SBOMs (default true; --sbom=false to skip)' },
  'sbom-path': { type: 'string', value: 'DIR', description: 'directory for the SBOMs (build: default beside the output; publish: written only when set)' },
  'sbom-formats': { type: 'list', split: true, value: 'FMT', description: 'SBOM formats; only spdx is supported' },
  vcs: { type: 'boolean', description: 'without vcs-url in the config, annotate the source repository and commit from git (default true, as apko; --vcs=false to skip; the Nx targets keep it off)' },
  format: { type: 'string', value: 'FMT', description: 'layer format: tar (default)' },
  lockfile: { type: 'string', value: 'FILE', description: 'install exactly the packages of this lock file (see apko-nx lock); no index is read' },
};

/** A boolean flag as a request field when given; left out otherwise, so the engine's default (engine/defaults.ts) applies. */
function given<K extends string>(p: ParsedArgs, flag: string, key: K): Partial<Record<K, boolean>> {
  return p.flags[flag] === undefined ? {} : ({ [key]: p.flags[flag] === true } as Record<K, boolean>);
}

/** Maps the resolve flags onto a resolve request. */
export function resolveRequestFrom(p: ParsedArgs, base: Pick<ResolveRequest, 'config'> & Partial<ResolveRequest>): ResolveRequest {
  return {
    ...base,
    arch: list(p, 'arch'),
    ignoreSignatures: bool(p, 'ignore-signatures'),
    strictProviders: bool(p, 'strict-providers'),
    repositoryAppend: list(p, 'repository-append'),
    buildRepositoryAppend: list(p, 'build-repository-append'),
    keyringAppend: list(p, 'keyring-append'),
    packageAppend: list(p, 'package-append'),
    includePaths: list(p, 'include-paths'),
    ...(str(p, 'cache-dir') !== undefined ? { cacheDir: str(p, 'cache-dir') } : {}),
    ...(str(p, 'fetch-timeout') !== undefined ? { fetchTimeout: str(p, 'fetch-timeout') } : {}),
    ...(str(p, 'stall-timeout') !== undefined ? { stallTimeout: str(p, 'stall-timeout') } : {}),
    ...given(p, 'offline', 'offline'),
    ...given(p, 'verbose', 'verbose'),
    ...given(p, 'allow-unverified-data', 'allowUnverifiedData'),
    ...limitsFrom(p),
  };
}

/** Maps the resolve and image flags onto a build request. */
export function buildRequestFrom(p: ParsedArgs, base: Pick<BuildRequest, 'config' | 'tag'> & Partial<BuildRequest>): BuildRequest {
  const unsupported = list(p, 'sbom-formats').filter((f) => f !== 'spdx');
  if (unsupported.length > 0) throw new UsageError(`--sbom-formats ${unsupported.join(',')} is not supported`, 'apko-nx writes SPDX 2.3 JSON SBOMs; use --sbom-formats spdx or leave it out');
  return {
    ...base,
    ...resolveRequestFrom(p, base),
    annotations: list(p, 'annotations'),
    ...(str(p, 'build-date') !== undefined ? { buildDate: str(p, 'build-date') } : {}),
    ...(str(p, 'format') !== undefined ? { format: str(p, 'format') } : {}),
    ...(str(p, 'sbom-path') !== undefined ? { sbomPath: str(p, 'sbom-path') } : {}),
    ...(list(p, 'sbom-formats').length > 0 ? { sbomFormats: list(p, 'sbom-formats') } : {}),
    ...given(p, 'sbom', 'sbom'),
    // On unless --vcs=false, as apko's CLI; the engine's own default (for the Nx executors) stays off.
    vcs: p.flags.vcs !== false,
    ...(str(p, 'lockfile') !== undefined ? { lockfile: str(p, 'lockfile') } : {}),
  };
}
