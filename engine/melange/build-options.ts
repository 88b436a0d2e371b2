/**
 * The melange build request, normalized once, for the CLI's `melange build`
 * and the Nx package executor alike: paths made absolute against the
 * caller's directory, every architecture parsed (several are built in one
 * request, in order), the signing key read by the one reader and its name
 * made a public key file name, the runner checked against the runner table,
 * the build root's inputs (cache, offline, melange's -r/-k/-p) settled, and
 * the build date taken from the option or SOURCE_DATE_EPOCH (git, unless
 * `vcs` is off, and 0 are the build's later fallbacks). Every default is in MELANGE_BUILD_DEFAULTS.
 */
import { dirname, resolve } from 'node:path';
import { ALL_ARCHS, hostArch, parseArch, type Arch } from '../arch';
import { parseBuildDate, parseSourceDateEpoch } from '../config/build-date';
import { formatDuration, parseDuration } from '../net/duration';
import { MELANGE_BUILD_DEFAULTS } from '../defaults';
import { ConfigError } from '../errors';
import { defaultCacheDir } from '../store';
import { runnableArchs } from './emulation';
import { readEnvFiles } from './env-file';
import { DEFAULT_LINT_REQUIRE, DEFAULT_LINT_WARN, checkLinterNames } from './lint/table';
import { parseRunnerName, runnerFacts, type RunnerName } from './runners';
import { readSigningKey, type MelangeSigningKey } from './signing-key';

export type { MelangeSigningKey };

export { MELANGE_BUILD_DEFAULTS };

/** What a caller may ask for; everything but the config is optional. */
export interface MelangeBuildOptions {
  /** Path to melange.yaml. */
  configPath: string;
  /**
   * apk (`x86_64`) or OCI (`amd64`) names, `host` or `all`; one or several (each may be a comma-separated list, as
   * melange's `--arch`), built in this order. Default: every architecture this machine can run steps for (its own, and
   * those with a qemu-user binfmt handler, emulation.ts) that `package.target-architecture` allows.
   */
  archs?: string | readonly string[];
  /** A private key file (read relative to the caller's directory), or the key itself. */
  signingKey?: string | MelangeSigningKey;
  /** Repository directory; packages go to `<outDir>/<arch>/`. */
  outDir?: string;
  /** Copied into the workspace; default the directory holding melange.yaml. */
  sourceDir?: string;
  /** A name from the runner table (runners.ts). */
  runner?: string;
  /** Seconds; default SOURCE_DATE_EPOCH, else `buildDate`, else (with `vcs`) the source's last git commit time, else 0. */
  sourceDateEpoch?: number;
  /** melange's `--build-date`: RFC 3339 (as melange), or Unix seconds; SOURCE_DATE_EPOCH wins over it, as in melange. */
  buildDate?: string;
  /** melange's `--workspace-dir`: the build workspace lives in `<workspaceDir>/<arch>` on this machine (default a temporary directory). */
  workspaceDir?: string;
  /** melange's `--empty-workspace`: the source directory is not copied into the workspace. */
  emptyWorkspace?: boolean;
  /** melange's `--env-file`: dotenv files whose variables the steps get (the YAML's environment wins; env-file.ts). */
  envFiles?: readonly string[];
  /** melange's `--git-commit`: the commit of the config's repository (`.PKGINFO commit`, the SBOM), instead of git's HEAD. */
  gitCommit?: string;
  /** melange's `--git-repo-url`: the config's repository URL (the SBOM's purl of the config), instead of git's origin. */
  gitRepoUrl?: string;
  /** melange's `--license`: the license of the build configuration itself, in the SBOM (default NOASSERTION). */
  license?: string;
  /** melange's `--rm` (default true): remove the workspace when the build fails; false keeps it and says where. */
  remove?: boolean;
  /** melange's `--timeout`: the longest one architecture's build may take (Go duration such as 30m, or milliseconds); default none. */
  timeout?: string | number;
  /** melange's `--create-build-log`: append `arch|origin|name|version` per built package to `packages.log` in the caller's directory. */
  createBuildLog?: boolean;
  /** melange's `--dependency-log`: write the dependencies the scan generated, as JSON, to `<dependencyLog>.<arch>`. */
  dependencyLog?: string;
  /** melange's `--generate-provenance`: not supported (refused with a ConfigError). */
  generateProvenance?: boolean;
  /** Read the HEAD commit and its time from git (default true, as melange); false: no commit, build date 0 unless given. */
  vcs?: boolean;
  /** Receives progress and step output, one line per call. */
  log?: (line: string) => void;
  /** Overrides for `vars:`. */
  vars?: Record<string, string>;
  /** melange's `--vars-file`: a YAML map merged over `vars:` (relative to the caller's directory). */
  varsFile?: string;
  /** melange's `--build-option`: names of the file's `options:` entries to apply. */
  buildOptions?: readonly string[];
  /** melange's `--namespace` (`.PKGINFO maintainer`, purls). */
  namespace?: string;
  /** Update `<outDir>/<arch>/APKINDEX.tar.gz`. */
  generateIndex?: boolean;
  /** Build a fresh repository beside `outDir` and swap it in when every arch succeeded (default false: add to the existing one). */
  replaceOutDir?: boolean;
  /** melange's `--apk-cache-dir`: the build root's package cache; default `$APKO_CACHE_DIR`, then the user cache (engine/store). */
  apkCacheDir?: string;
  /** melange's `--cache-dir`: the inputs cache steps see at /var/cache/melange, when it is a directory (default ./melange-cache/); false: none. */
  cacheDir?: string | false;
  /** Build the root from the cache and local repositories only. */
  offline?: boolean;
  /** melange's `-r/-k/-p`: appended to the environment's repositories, keyring and packages (runners that prepare a root). */
  repositoryAppend?: readonly string[];
  keyringAppend?: readonly string[];
  packageAppend?: readonly string[];
  /** melange's `--pipeline-dir`: directories searched for `uses:` definitions before the built-in ones (relative to the caller's directory). */
  pipelineDirs?: readonly string[];
  /** melange's `--lint-require`: linters whose findings fail the build (default melange's required set). */
  lintRequire?: readonly string[];
  /** melange's `--lint-warn`: linters whose findings are printed as warnings (default melange's warning set). */
  lintWarn?: readonly string[];
  /** Run the `test:` sections on the built packages before writing them (default true). */
  runTests?: boolean;
}

/** A complete melange build request. */
export interface MelangeBuildRequest {
  readonly configPath: string;
  /** At least one, no two alike, in the order asked. */
  readonly archs: readonly Arch[];
  /** True when no architecture was asked for: `archs` are the ones this machine can run, narrowed by target-architecture at build time. */
  readonly archsDefaulted: boolean;
  readonly signingKey?: MelangeSigningKey;
  readonly outDir: string;
  readonly sourceDir: string;
  readonly runner: RunnerName;
  /** Undefined: fall back to git (with `vcs`), then 0. */
  readonly sourceDateEpoch?: number;
  /** Whether git's HEAD commit and its time may enter the packages. */
  readonly vcs: boolean;
  readonly log: (line: string) => void;
  readonly vars: Readonly<Record<string, string>>;
  /** Absolute. */
  readonly varsFile?: string;
  readonly buildOptions: readonly string[];
  readonly namespace: string;
  readonly generateIndex: boolean;
  readonly replaceOutDir: boolean;
  /** The caller's directory: relative repository and keyring entries of the environment start here, as in melange. */
  readonly cwd: string;
  /** The build root's package cache. */
  readonly apkCacheDir: string;
  /** Absolute; mounted at /var/cache/melange when it is a directory at build time; undefined: no inputs cache. */
  readonly cacheDir: string | undefined;
  /** Absolute. */
  readonly workspaceDir?: string;
  readonly emptyWorkspace: boolean;
  /** The variables of every `--env-file`, read once. */
  readonly envFileVars: Readonly<Record<string, string>>;
  readonly gitCommit?: string;
  readonly gitRepoUrl?: string;
  readonly license: string;
  readonly remove: boolean;
  /** Milliseconds, with the text the user gave for messages. */
  readonly timeout?: { readonly ms: number; readonly text: string };
  readonly createBuildLog: boolean;
  /** Absolute; `.<arch>` is appended. */
  readonly dependencyLog?: string;
  readonly offline: boolean;
  readonly repositoryAppend: readonly string[];
  readonly keyringAppend: readonly string[];
  readonly packageAppend: readonly string[];
  /** Files on this machine no step may read (the signing key's file): runners that isolate hide them. */
  readonly secretFiles: readonly string[];
  /** Absolute, in search order. */
  readonly pipelineDirs: readonly string[];
  /** Linter names, each known (lint/table.ts). */
  readonly lintRequire: readonly string[];
  readonly lintWarn: readonly string[];
  readonly runTests: boolean;
}

/** The architectures asked for (comma-separated lists split, `all` and `host` expanded), first occurrence kept; undefined when none were. */
function parseArchs(given: string | readonly string[] | undefined): Arch[] | undefined {
  const names = (typeof given === 'string' ? [given] : given ?? []).flatMap((n) => n.split(',')).map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) return undefined;
  const out: Arch[] = [];
  for (const name of names) {
    const archs = name === 'all' ? ALL_ARCHS : [name === 'host' ? hostArch() : parseArch(name, '--arch')];
    for (const arch of archs) if (!out.some((a) => a.apk === arch.apk)) out.push(arch);
  }
  return out;
}

/** melange's `--build-date`: RFC 3339; plain digits are taken as Unix seconds. */
function buildDateSeconds(text: string): number {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : parseBuildDate(text.trim());
}

/** melange's `--timeout`: a Go duration (`30m`, `1h30m`) or milliseconds. */
function parseTimeout(t: string | number): { ms: number; text: string } {
  const ms = typeof t === 'number' ? t : parseDuration(t);
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0) {
    throw new ConfigError(`--timeout: "${t}" is not a duration`, { hint: 'write a Go duration such as 90s, 30m or 1h30m' });
  }
  return { ms, text: typeof t === 'number' ? formatDuration(t) : t.trim() };
}

/** Fills defaults and checks the options; `env` supplies SOURCE_DATE_EPOCH and APKO_CACHE_DIR. */
export function normalizeMelangeBuildOptions(
  o: MelangeBuildOptions,
  cwd: string = process.cwd(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<MelangeBuildRequest> {
  const d = MELANGE_BUILD_DEFAULTS;
  if (!o.configPath) throw new ConfigError('no melange.yaml given', { hint: 'pass the path of the package configuration' });
  const configPath = resolve(cwd, o.configPath);
  const runner = o.runner === undefined ? d.runner : parseRunnerName(o.runner);
  const appends = { repositoryAppend: [...(o.repositoryAppend ?? [])], keyringAppend: [...(o.keyringAppend ?? [])], packageAppend: [...(o.packageAppend ?? [])] };
  const appended = Object.entries(appends).find(([, v]) => v.length > 0);
  if (appended !== undefined && runnerFacts(runner).preparesRoot === 'never') {
    const what = { repositoryAppend: 'extra repositories (-r, --repository-append)', keyringAppend: 'extra keys (-k, --keyring-append)', packageAppend: 'extra packages (-p, --package-append)' }[appended[0] as keyof typeof appends];
    throw new ConfigError(`${what} shape the build environment, which runner "${runner}" does not build`, {
      hint: 'use a runner that prepares a root (the default runner "bubblewrap", or --runner chroot as root), or leave them out',
    });
  }
  let sourceDateEpoch = o.sourceDateEpoch;
  if (sourceDateEpoch !== undefined && (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0)) {
    throw new ConfigError(`sourceDateEpoch ${sourceDateEpoch} is not a non-negative whole number of seconds`, { hint: 'pass Unix seconds, e.g. the last commit time' });
  }
  // SOURCE_DATE_EPOCH wins over --build-date, as in melange.
  sourceDateEpoch ??= parseSourceDateEpoch(env.SOURCE_DATE_EPOCH) ?? (o.buildDate !== undefined && o.buildDate !== '' ? buildDateSeconds(o.buildDate) : undefined);
  if (o.generateProvenance) {
    throw new ConfigError('--generate-provenance is not supported: apko-nx does not write SLSA provenance (.attest.tar.gz) for packages', {
      hint: 'leave --generate-provenance out (the embedded SPDX SBOM still records the package, its sources and its build configuration)',
    });
  }
  if (o.workspaceDir !== undefined && runnerFacts(runner).isolation === 'chroot') {
    throw new ConfigError('--workspace-dir: runner "chroot" keeps the workspace inside its build root', { hint: 'use the default runner "bubblewrap" (or "host") with --workspace-dir, or leave it out' });
  }
  const asked = parseArchs(o.archs);
  const archs = asked ?? runnableArchs(hostArch());
  const key = typeof o.signingKey === 'string' ? readSigningKey(o.signingKey, { cwd, env }) : o.signingKey;
  return {
    configPath,
    archs,
    archsDefaulted: asked === undefined,
    ...(key ? { signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.keyName.endsWith('.pub') ? key.keyName : `${key.keyName}.pub` } } : {}),
    outDir: resolve(cwd, o.outDir ?? d.outDir),
    sourceDir: resolve(cwd, o.sourceDir ?? dirname(configPath)),
    runner,
    ...(sourceDateEpoch !== undefined ? { sourceDateEpoch } : {}),
    vcs: o.vcs ?? d.vcs,
    log: o.log ?? (() => undefined),
    vars: { ...(o.vars ?? {}) },
    ...(o.varsFile !== undefined ? { varsFile: resolve(cwd, o.varsFile) } : {}),
    buildOptions: [...(o.buildOptions ?? [])],
    namespace: o.namespace ?? d.namespace,
    generateIndex: o.generateIndex ?? d.generateIndex,
    replaceOutDir: o.replaceOutDir ?? false,
    cwd: resolve(cwd),
    apkCacheDir: defaultCacheDir({ ...(o.apkCacheDir !== undefined ? { cacheDir: o.apkCacheDir } : {}), env, cwd }),
    cacheDir: o.cacheDir === false ? undefined : resolve(cwd, o.cacheDir ?? d.cacheDir),
    ...(o.workspaceDir !== undefined ? { workspaceDir: resolve(cwd, o.workspaceDir) } : {}),
    emptyWorkspace: o.emptyWorkspace ?? false,
    envFileVars: readEnvFiles((o.envFiles ?? []).filter((f) => f !== '').map((f) => resolve(cwd, f))),
    ...(o.gitCommit ? { gitCommit: o.gitCommit } : {}),
    ...(o.gitRepoUrl ? { gitRepoUrl: o.gitRepoUrl } : {}),
    license: o.license || d.license,
    remove: o.remove ?? d.remove,
    ...(o.timeout !== undefined && o.timeout !== 0 && o.timeout !== '' ? { timeout: parseTimeout(o.timeout) } : {}),
    createBuildLog: o.createBuildLog ?? false,
    ...(o.dependencyLog ? { dependencyLog: resolve(cwd, o.dependencyLog) } : {}),
    offline: o.offline ?? d.offline,
    ...appends,
    pipelineDirs: (o.pipelineDirs ?? []).map((d) => resolve(cwd, d)),
    lintRequire: checkLinterNames(o.lintRequire ?? DEFAULT_LINT_REQUIRE, '--lint-require'),
    lintWarn: checkLinterNames(o.lintWarn ?? DEFAULT_LINT_WARN, '--lint-warn'),
    runTests: o.runTests ?? true,
    secretFiles: typeof o.signingKey === 'string' && key?.file !== undefined ? [key.file] : [],
  };
}
