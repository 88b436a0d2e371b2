/**
 * The one defaults table. The engine's normalizers, the CLI's help, the Nx
 * plugin's inferred targets and the generators all read their defaults
 * here, so a default changes in one place and every shell agrees.
 */
import { imageNameFor } from './reference';

/** Defaults of the image verbs (build, show-packages, dot, lock, publish). */
export const BUILD_DEFAULTS = Object.freeze({
  sbom: true,
  sbomFormats: Object.freeze(['spdx']) as readonly string[],
  offline: false,
  verbose: false,
  /** Off by default: build tools do not hash the commit, so a cached image would carry a stale one. */
  vcs: false,
});

/**
 * Limits of every HTTP request to a repository or a registry (engine/net/http.ts),
 * overridden by --fetch-timeout / --stall-timeout or the environment variables named here.
 */
export const FETCH_DEFAULTS = Object.freeze({
  /** One request's deadline, every try, redirect and backoff included: a server that trickles bytes cannot hold a build longer. */
  deadlineMs: 5 * 60_000,
  /** Longest wait for the headers or for the next body bytes before a try is given up (and retried). */
  stallMs: 30_000,
  deadlineEnv: 'APKO_NX_FETCH_TIMEOUT',
  stallEnv: 'APKO_NX_STALL_TIMEOUT',
});

/**
 * Key discovery for a repository whose index no configured key verifies
 * (engine/repo/discover-keys.ts): Alpine's releases.json, where apko reads it,
 * unless the environment variable named here points elsewhere (a mirror, a test server).
 */
export const KEY_DISCOVERY_DEFAULTS = Object.freeze({
  alpineReleasesUrl: 'https://alpinelinux.org/releases.json',
  alpineReleasesEnv: 'APKO_NX_ALPINE_RELEASES_URL',
});

/**
 * Layer compression (engine/layer/gzip-layer.ts): how many worker threads
 * deflate the blocks of a large layer. The default is the machine's
 * parallelism, capped; the environment variable named here sets it. The
 * compressed bytes do not depend on it.
 */
export const COMPRESS_DEFAULTS = Object.freeze({
  maxDefaultWorkers: 4,
  workersEnv: 'APKO_NX_COMPRESS_WORKERS',
});

/** Defaults of the Nx plugin and the generators (workspace-relative paths). */
export const WORKSPACE_DEFAULTS = Object.freeze({
  imageTargetName: 'image',
  publishTargetName: 'publish',
  lockTargetName: 'lock',
  packageTargetName: 'package',
  /** The project's own target the package target depends on, written or inferred by any plugin. */
  buildTargetName: 'build',
  outputDir: 'dist',
  signingKey: 'melange.rsa',
  /** Architectures packages are built for; images take theirs from `archs:` in apko.yaml. */
  packageArchs: Object.freeze(['x86_64']) as readonly string[],
});

/** The melange runners, in the order help and errors list them (engine/melange/runners.ts has one entry each). */
export const MELANGE_RUNNER_NAMES = Object.freeze(['bubblewrap', 'host', 'chroot'] as const);

/** A melange runner's name. */
export type MelangeRunnerName = (typeof MELANGE_RUNNER_NAMES)[number];

/** Defaults of a melange build, for every shell. */
export const MELANGE_BUILD_DEFAULTS = Object.freeze({
  /** Repository directory, relative to the caller's directory. */
  outDir: 'packages',
  namespace: 'unknown',
  /**
   * Steps run isolated unless the caller chooses otherwise, as in melange on
   * Linux. Without bubblewrap the build fails and says to install it or to
   * choose `host` explicitly; it never falls back to an unisolated run.
   */
  runner: 'bubblewrap' as MelangeRunnerName,
  generateIndex: true,
  offline: false,
  /**
   * Take `.PKGINFO commit` and, without SOURCE_DATE_EPOCH, the build date from
   * git, as melange does. The Nx package target turns this off: a task hash
   * that does not cover HEAD must not decide the bytes.
   */
  vcs: true,
  /** melange's `--cache-dir`: the inputs cache mounted at /var/cache/melange when it exists, relative to the caller's directory. */
  cacheDir: './melange-cache/',
  /** melange's `--license` for the build configuration in the SBOM. */
  license: 'NOASSERTION',
  /** melange's `--rm`: a failed build's workspace is removed. */
  remove: true,
});

/** Where `lock` writes for a config: `<config-basename>.lock.json` beside it (`apko.yaml` → `apko.lock.json`). */
export function defaultLockPath(configPath: string): string {
  const slash = Math.max(configPath.lastIndexOf('/'), configPath.lastIndexOf('\\'));
  const dir = configPath.slice(0, slash + 1);
  const file = configPath.slice(slash + 1);
  const dot = file.lastIndexOf('.');
  return `${dir}${dot > 0 ? file.slice(0, dot) : file}.lock.json`;
}

/** A config file's stem: `apko.yaml` → ``, `debug.apko.yaml` → `debug` (its targets and default tag carry it). */
export function configStem(file: string): string {
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  return base.endsWith('.apko.yaml') ? base.slice(0, -'.apko.yaml'.length) : '';
}

/**
 * The tag an image target records when none is given: the project's image
 * name (reference.ts `imageNameFor`: `@ws/api` → `ws/api`), `-<stem>` for a
 * `<stem>.apko.yaml`, and `:latest`.
 */
export function defaultImageTag(project: string, configFile = 'apko.yaml'): string {
  const stem = configStem(configFile);
  return `${imageNameFor(stem ? `${project}-${stem}` : project)}:latest`;
}

/**
 * Size limits on what packages and indexes may inflate to, in bytes: apko's
 * `--max-apkindex-decompressed-size`, `--max-apk-control-size`,
 * `--max-apk-data-size` and `--max-http-response-size`. The index and
 * control defaults are apko's. apko streams a package's data to disk and
 * allows 16 GiB; this engine holds a package's data in memory, so its
 * default is 1 GiB, and an HTTP response is held whole, so 2 GiB.
 */
export const PACKAGE_LIMIT_DEFAULTS = Object.freeze({
  maxApkIndexDecompressedSize: 300 * 1024 * 1024,
  maxApkControlSize: 10 * 1024 * 1024,
  maxApkDataSize: 1024 * 1024 * 1024,
  maxHttpResponseSize: 2 * 1024 * 1024 * 1024,
});

/** The flag that sets each package limit, for help and for the hints of the errors that hit it. */
export const PACKAGE_LIMIT_FLAGS = Object.freeze({
  maxApkIndexDecompressedSize: '--max-apkindex-decompressed-size',
  maxApkControlSize: '--max-apk-control-size',
  maxApkDataSize: '--max-apk-data-size',
  maxHttpResponseSize: '--max-http-response-size',
} as const);
