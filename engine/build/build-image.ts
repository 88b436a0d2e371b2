/**
 * The image build, stage by stage: config → repositories and resolution →
 * verified packages → per-arch filesystem, layers and image → index →
 * output and SBOMs. Stages get their I/O as arguments; this file only strings
 * them together and decides the build date as apko does.
 */
import { basename, dirname } from 'node:path';
import { loadImageConfig, type LoadedConfig } from '../config';
import type { Digest } from '../digest';
import { buildIndex, type ImageIndex } from '../oci';
import { loadKeyring } from '../repo';
import { openStore } from '../store';
import { buildArchImage, type ArchImage } from './arch-image';
import type { NormalizedBuildOptions } from './options';
import { checkOutputWritable, writeImageOutput, writeSboms, type OutputKind } from './outputs';
import { lockedPackages, readLockFor } from './locked-packages';
import { resolvePackages, type ArchPackages, type PackageIO } from './packages';
import { sbomDocuments } from './sboms';

/** What a build produced. */
export interface BuildResult {
  readonly indexDigest: Digest;
  readonly images: ReadonlyArray<{ readonly arch: string; readonly digest: Digest; readonly packages: number; readonly layers: number }>;
  readonly output?: { readonly path: string; readonly kind: OutputKind };
  readonly sboms: readonly string[];
  /** Unix seconds used for `created` and SBOMs. */
  readonly buildDate: number;
  readonly warnings: readonly string[];
  readonly index: ImageIndex;
  readonly archImages: readonly ArchImage[];
}

/**
 * apko's build date: SOURCE_DATE_EPOCH when set, else the newest package
 * build time, never older than --build-date.
 */
export function buildDateFor(loaded: LoadedConfig, archs: readonly ArchPackages[]): number {
  if (loaded.sourceDateEpochSet && loaded.buildDate !== undefined) return loaded.buildDate;
  let newest = loaded.buildDate ?? 0;
  for (const a of archs) for (const p of a.packages) newest = Math.max(newest, p.pkginfo.builddate ?? 0);
  return newest;
}

/** VCS annotations from `vcs-url: <url>@<commit>`. */
function vcsAnnotations(vcsUrl: string | undefined): Record<string, string> {
  if (!vcsUrl || !vcsUrl.includes('@')) return {};
  const at = vcsUrl.lastIndexOf('@');
  return { 'org.opencontainers.image.source': vcsUrl.slice(0, at), 'org.opencontainers.image.revision': vcsUrl.slice(at + 1) };
}

/** The verified packages of every arch: from the lock file when given, else resolved from the indexes. */
async function packagesFor(loaded: LoadedConfig, opts: NormalizedBuildOptions, io: PackageIO): Promise<{ keyring: Map<string, string>; archs: ArchPackages[] }> {
  if (opts.lockfile === undefined) return resolvePackages(loaded, io);
  const lock = await readLockFor(loaded, opts.lockfile);
  io.log(`installing the packages locked in ${opts.lockfile}`);
  // The lock embeds every key's content, so a locked build needs no key download.
  const keyring = new Map(lock.contents.keyring.filter((k) => k.content !== '').map((k) => [basename(k.url), k.content]));
  const missing = loaded.config.contents.keyring.filter((k) => !keyring.has(basename(k)));
  if (missing.length > 0) {
    for (const [name, pem] of await loadKeyring(missing, { cwd: loaded.workDir, offline: io.offline, ...(io.store ? { store: io.store } : {}) })) keyring.set(name, pem);
  }
  return { keyring, archs: await lockedPackages(loaded, lock, io) };
}

/** Builds the image an apko.yaml describes and writes it (and its SBOMs) where asked. */
export async function buildImageFromConfig(opts: NormalizedBuildOptions): Promise<BuildResult> {
  const log = opts.log;
  if (opts.output !== undefined) await checkOutputWritable(opts.output);
  const loaded = await loadImageConfig(opts.config, opts.overrides, { cwd: opts.cwd, env: opts.env });
  const warnings = [...loaded.warnings];
  for (const w of loaded.warnings) log(`warning: ${w}`);
  log(`building ${opts.tag} for ${loaded.archs.map((a) => a.apk).join(', ')}`);
  if (opts.verbose) log(`cache: ${opts.cacheDir}`);
  const store = openStore(opts.cacheDir);
  const { keyring, archs } = await packagesFor(loaded, opts, { store, offline: opts.offline, log });
  const buildDate = buildDateFor(loaded, archs);
  const annotations = { ...loaded.config.annotations, ...vcsAnnotations(loaded.config.vcsUrl) };
  const archImages: ArchImage[] = [];
  for (const fetched of archs) {
    const built = await buildArchImage(loaded, fetched, { keyring, buildDate, annotations });
    for (const w of built.rootfs.warnings) {
      warnings.push(w);
      log(`warning: ${fetched.arch.apk}: ${w}`);
    }
    log(`${fetched.arch.apk}: image ${built.image.manifest.digest} (${built.image.layers.length} layer${built.image.layers.length === 1 ? '' : 's'})`);
    archImages.push(built);
  }
  const index = buildIndex(
    archImages.map((a) => a.image),
    { created: buildDate, annotations },
  );
  let output: BuildResult['output'];
  const sboms: string[] = [];
  if (opts.output !== undefined) {
    const kind = await writeImageOutput(opts.output, index, opts.tag);
    output = { path: opts.output, kind };
    log(`wrote ${kind === 'layout' ? 'OCI layout' : 'image tarball'} ${opts.output}`);
  }
  if (opts.sbom && (opts.sbomPath !== undefined || opts.output !== undefined)) {
    const dir = opts.sbomPath ?? dirname(opts.output!);
    sboms.push(...(await writeSboms(dir, sbomDocuments({ loaded, archImages, index, tag: opts.tag, buildDate }))));
  }
  return {
    indexDigest: index.manifest.digest,
    images: archImages.map((a) => ({ arch: a.arch.apk, digest: a.image.manifest.digest, packages: a.packages.length, layers: a.image.layers.length })),
    ...(output ? { output } : {}),
    sboms,
    buildDate,
    warnings,
    index,
    archImages,
  };
}
