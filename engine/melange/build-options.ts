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
import { hostArch, parseArch, type Arch } from '../arch';
import { parseSourceDateEpoch } from '../config/build-date';
import { MELANGE_BUILD_DEFAULTS } from '../defaults';
import { ConfigError } from '../errors';
import { defaultCacheDir } from '../store';
import { DEFAULT_LINT_REQUIRE, DEFAULT_LINT_WARN, checkLinterNames } from './lint/table';
import { parseRunnerName, runnerFacts, type RunnerName } from './runners';
import { readSigningKey, type MelangeSigningKey } from './signing-key';

export type { MelangeSigningKey };

export { MELANGE_BUILD_DEFAULTS };

/** What a caller may ask for; everything but the config is optional. */
export interface MelangeBuildOptions {
  /** Path to melange.yaml. */
  configPath: string;
  /** apk (`x86_64`) or OCI (`amd64`) names, or `host`; one or several, built in this order. */
  archs?: string | readonly string[];
  /** A private key file (read relative to the caller's directory), or the key itself. */
  signingKey?: string | MelangeSigningKey;
  /** Repository directory; packages go to `<outDir>/<arch>/`. */
  outDir?: string;
  /** Copied into the workspace; default the directory holding melange.yaml. */
  sourceDir?: string;
  /** A name from the runner table (runners.ts). */
  runner?: string;
  /** Seconds; default SOURCE_DATE_EPOCH, else (with `vcs`) the source's last git commit time, else 0. */
  sourceDateEpoch?: number;
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
  /** The build root's package cache; default `$APKO_CACHE_DIR`, then the user cache (engine/store). */
  cacheDir?: string;
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
  readonly cacheDir: string;
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

/** The architectures asked for, parsed, first occurrence kept. */
function parseArchs(given: string | readonly string[] | undefined): Arch[] {
  const names = typeof given === 'string' ? [given] : given === undefined || given.length === 0 ? MELANGE_BUILD_DEFAULTS.archs : given;
  const out: Arch[] = [];
  for (const name of names) {
    const arch = name === 'host' ? hostArch() : parseArch(name, '--arch');
    if (!out.some((a) => a.apk === arch.apk)) out.push(arch);
  }
  return out;
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
  sourceDateEpoch ??= parseSourceDateEpoch(env.SOURCE_DATE_EPOCH);
  const archs = parseArchs(o.archs);
  const key = typeof o.signingKey === 'string' ? readSigningKey(o.signingKey, { cwd, env }) : o.signingKey;
  return {
    configPath,
    archs,
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
    cacheDir: defaultCacheDir({ ...(o.cacheDir !== undefined ? { cacheDir: o.cacheDir } : {}), env, cwd }),
    offline: o.offline ?? d.offline,
    ...appends,
    pipelineDirs: (o.pipelineDirs ?? []).map((d) => resolve(cwd, d)),
    lintRequire: checkLinterNames(o.lintRequire ?? DEFAULT_LINT_REQUIRE, '--lint-require'),
    lintWarn: checkLinterNames(o.lintWarn ?? DEFAULT_LINT_WARN, '--lint-warn'),
    runTests: o.runTests ?? true,
    secretFiles: typeof o.signingKey === 'string' && key?.file !== undefined ? [key.file] : [],
  };
}
