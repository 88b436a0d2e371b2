/**
 * The options of a melange build, normalized once: paths made absolute
 * against the caller's directory, the architecture parsed, the signing key's
 * name made a public key file name, the build date taken from the option or
 * SOURCE_DATE_EPOCH (git and 0 are the build's later fallbacks). The CLI and
 * the executor share this normalizer.
 */
import { dirname, resolve } from 'node:path';
import { hostArch, parseArch, type Arch } from '../arch';
import { parseSourceDateEpoch } from '../config/build-date';
import { ConfigError } from '../errors';
import type { PrepareRoot } from './runner-chroot';

/** A private key and the public key file name signatures carry (`melange.rsa.pub`; `melange.rsa` gets `.pub`). */
export interface MelangeSigningKey {
  readonly privateKeyPem: string;
  readonly keyName: string;
}

/** What a caller may pass to `buildMelangePackage`. */
export interface MelangeBuildOptions {
  /** Path to melange.yaml. */
  configPath: string;
  /** apk (`x86_64`) or OCI (`amd64`) name; default the host's. */
  arch?: string;
  signingKey?: MelangeSigningKey;
  /** Repository directory; packages go to `<outDir>/<arch>/`. Default `packages`. */
  outDir?: string;
  /** Copied into the workspace; default the directory holding melange.yaml. */
  sourceDir?: string;
  /** `host` (default) or `chroot` (root only, needs prepareRoot). */
  runner?: 'host' | 'chroot';
  /** Seconds; default SOURCE_DATE_EPOCH, else the source's last git commit time, else 0. */
  sourceDateEpoch?: number;
  /** Receives progress and step output, one line per call. */
  log?: (line: string) => void;
  /** Builds the chroot's root filesystem from `environment`. */
  prepareRoot?: PrepareRoot;
  /** Overrides for `vars:`. */
  vars?: Record<string, string>;
  /** melange's `--namespace` (`.PKGINFO maintainer`, purls); default `unknown`. */
  namespace?: string;
  /** Update `<outDir>/<arch>/APKINDEX.tar.gz` (default true). */
  generateIndex?: boolean;
}

/** The options after normalization. */
export interface NormalizedMelangeBuildOptions {
  readonly configPath: string;
  readonly arch: Arch;
  readonly signingKey?: MelangeSigningKey;
  readonly outDir: string;
  readonly sourceDir: string;
  readonly runner: 'host' | 'chroot';
  /** Undefined: fall back to git, then 0. */
  readonly sourceDateEpoch?: number;
  readonly log: (line: string) => void;
  readonly prepareRoot?: PrepareRoot;
  readonly vars: Readonly<Record<string, string>>;
  readonly namespace: string;
  readonly generateIndex: boolean;
}

/** Fills defaults and checks the options; `env` supplies SOURCE_DATE_EPOCH. */
export function normalizeMelangeBuildOptions(
  o: MelangeBuildOptions,
  cwd: string = process.cwd(),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<NormalizedMelangeBuildOptions> {
  if (!o.configPath) throw new ConfigError('no melange.yaml given', { hint: 'pass the path of the package configuration' });
  const configPath = resolve(cwd, o.configPath);
  const runner = o.runner ?? 'host';
  if (runner !== 'host' && runner !== 'chroot') {
    throw new ConfigError(`unknown runner "${String(runner)}" (expected host or chroot)`, { hint: 'use host, or chroot as root' });
  }
  if (runner === 'chroot' && o.prepareRoot === undefined) {
    throw new ConfigError('runner "chroot" needs a way to build the root filesystem (prepareRoot)', {
      hint: 'call the build through apko-nx, which provides it, or use runner "host"',
    });
  }
  let sourceDateEpoch = o.sourceDateEpoch;
  if (sourceDateEpoch !== undefined && (!Number.isSafeInteger(sourceDateEpoch) || sourceDateEpoch < 0)) {
    throw new ConfigError(`sourceDateEpoch ${sourceDateEpoch} is not a non-negative whole number of seconds`, { hint: 'pass Unix seconds, e.g. the last commit time' });
  }
  sourceDateEpoch ??= parseSourceDateEpoch(env.SOURCE_DATE_EPOCH);
  const key = o.signingKey;
  return {
    configPath,
    arch: o.arch === undefined || o.arch === 'host' ? hostArch() : parseArch(o.arch, '--arch'),
    ...(key ? { signingKey: { privateKeyPem: key.privateKeyPem, keyName: key.keyName.endsWith('.pub') ? key.keyName : `${key.keyName}.pub` } } : {}),
    outDir: resolve(cwd, o.outDir ?? 'packages'),
    sourceDir: resolve(cwd, o.sourceDir ?? dirname(configPath)),
    runner,
    ...(sourceDateEpoch !== undefined ? { sourceDateEpoch } : {}),
    log: o.log ?? (() => undefined),
    ...(o.prepareRoot ? { prepareRoot: o.prepareRoot } : {}),
    vars: { ...(o.vars ?? {}) },
    namespace: o.namespace ?? 'unknown',
    generateIndex: o.generateIndex ?? true,
  };
}
