/**
 * The image build, stage by stage: config → repositories and resolution →
 * verified packages → per-arch filesystem, layers and image → index →
 * output and SBOMs. Stages get their I/O as arguments; this file only strings
 * them together and decides the build date as apko does.
 */
import { basename, dirname } from 'node:path';
import type { LoadedConfig } from '../config';
import type { Digest } from '../digest';
import { buildIndex, checkOutputWritable, checkSbomDirWritable, writeBuildOutputs, type ImageIndex, type OutputKind } from '../oci';
import { checkedPublicKey, createHttpClient, loadKeyring } from '../repo';
import { privilegedFiles, type PrivilegedFile } from '../rootfs';
import { openStore, type Store, type StoreOptions } from '../store';
import { buildArchImage, type ArchImage, type ArchImageContext } from './arch-image';
import type { SbomFormat } from '../sbom';
import { imageInputsDigest, loadImage, saveImage, type SbomDoc, type StoredImageFacts } from '../cache/image';
import type { LayerStatus } from '../cache/layer';
import { loadForBuild } from './load-config';
import type { NormalizedBuildRequest } from './request';

import { fetchResolved, lockedFor, lockedPackages, readLockFor, resolveArchs, type ArchPackages, type PackageIO } from '../fetch';
import { sbomDocuments } from './sboms';
import { ContentSpool } from '../fs/spool';
import { baseWorlds, loadBaseImages, type LoadedBase } from './base-image';

/** Per image and per layer: made in this build, or reused from the store. */
export interface BuildReport {
  readonly image: 'built' | 'reused';
  readonly layers: ReadonlyArray<{ readonly arch: string; readonly digest: Digest; readonly status: LayerStatus }>;
}

/** What a build produced. */
export interface BuildResult {
  readonly indexDigest: Digest;
  readonly images: ReadonlyArray<{ readonly arch: string; readonly digest: Digest; readonly packages: number; readonly layers: number }>;
  readonly output?: { readonly path: string; readonly kind: OutputKind };
  /** Paths of the SBOM files written. */
  readonly sboms: readonly string[];
  /** Every SBOM document with the manifest it describes (per arch, then the index). */
  readonly sbomDocs: readonly SbomDoc[];
  /** Unix seconds used for `created` and SBOMs. */
  readonly buildDate: number;
  readonly warnings: readonly string[];
  readonly index: ImageIndex;
  readonly report: BuildReport;
  /** Per arch, the setuid, setgid and capability-carrying files the packages install (kept, and reported). */
  readonly privileged: ReadonlyArray<{ readonly arch: string; readonly files: readonly PrivilegedFile[] }>;
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

/**
 * A build's packages, named before any is fetched: their checksums (which fix
 * every byte of each package) key the whole image, so a stored image is found
 * without reading a package, and `fetch` runs only when it is not.
 */
interface PackagePlan {
  readonly keyring: Map<string, string>;
  /** Per arch, the packages' `C:` checksums in install order (resolved) or lock order (locked). */
  readonly checksums: ReadonlyArray<{ readonly arch: string; readonly checksums: readonly string[] }>;
  fetch(io: PackageIO): Promise<ArchPackages[]>;
}

/** The packages of every arch: from the lock file when given, else resolved from the indexes. */
async function planPackages(loaded: LoadedConfig, opts: NormalizedBuildRequest, io: PackageIO, base: ReadonlyMap<string, LoadedBase> | undefined): Promise<PackagePlan> {
  if (opts.lockfile === undefined) {
    const resolved = await resolveArchs(loaded, io, baseWorlds(base));
    return {
      keyring: resolved.keyring,
      checksums: resolved.resolutions.map((r) => ({ arch: r.arch.apk, checksums: r.resolution.packages.map((p) => p.checksum) })),
      fetch: (fetchIo) => fetchResolved(resolved, fetchIo),
    };
  }
  const lock = await readLockFor(loaded, opts.lockfile, opts.relockCommand);
  io.log(`installing the packages locked in ${opts.lockfile}`);
  // The lock embeds every key's content, so a locked build needs no key download.
  // A lock file is input like any other: its keys pass the same check as the keyring's before they reach the image.
  const keyring = new Map(
    lock.contents.keyring.filter((k) => k.content !== '').map((k) => [basename(k.url), checkedPublicKey(k.content, `${basename(k.url)} (in ${opts.lockfile})`)]),
  );
  const missing = loaded.config.contents.keyring.filter((k) => !keyring.has(basename(k)));
  if (missing.length > 0) {
    for (const [name, pem] of await loadKeyring(missing, { cwd: loaded.workDir, offline: io.offline, ...(io.store ? { store: io.store } : {}), ...(io.http ? { http: io.http } : {}) })) keyring.set(name, pem);
  }
  return {
    keyring,
    checksums: loaded.archs.map((a) => ({ arch: a.apk, checksums: lockedFor(lock, a.apk).map((p) => p.checksum) })),
    fetch: (fetchIo) => lockedPackages(loaded, lock, fetchIo, opts.relockCommand, baseWorlds(base)),
  };
}

/** Builds every arch's image and the index, reusing layers from the store where their content is unchanged. */
async function assemble(
  loaded: LoadedConfig,
  archs: readonly ArchPackages[],
  ctx: ArchImageContext & { store: Store; tag: string; formats: readonly SbomFormat[]; log: (l: string) => void; warnings: string[] },
): Promise<{ index: ImageIndex; sbomDocs: SbomDoc[]; report: BuildReport; packages: Map<string, number> }> {
  const archImages: ArchImage[] = [];
  for (const fetched of archs) {
    const built = await buildArchImage(loaded, fetched, ctx);
    for (const w of built.rootfs.warnings) {
      ctx.warnings.push(w);
      ctx.log(`warning: ${fetched.arch.apk}: ${w}`);
    }
    ctx.log(`${fetched.arch.apk}: image ${built.image.manifest.digest} (${built.image.layers.length} layer${built.image.layers.length === 1 ? '' : 's'})`);
    archImages.push(built);
  }
  const index = buildIndex(
    archImages.map((a) => a.image),
    { created: ctx.buildDate, annotations: ctx.annotations },
  );
  const sbomDocs = sbomDocuments({ loaded, archImages, index, tag: ctx.tag, buildDate: ctx.buildDate, formats: ctx.formats });
  const layers = archImages.flatMap((a) => a.image.layers.map((l, i) => ({ arch: a.arch.apk, digest: l.digest, status: a.layerStatuses[i]! })));
  return { index, sbomDocs, report: { image: 'built', layers }, packages: new Map(archImages.map((a) => [a.image.manifest.digest, a.packages.length])) };
}

/** Builds the image an apko.yaml describes and writes it (and its SBOMs) where asked. */
export async function buildImageFromConfig(opts: NormalizedBuildRequest): Promise<BuildResult> {
  const log = opts.log;
  if (opts.output !== undefined) await checkOutputWritable(opts.output.path, opts.output.kind);
  const sbomDir = sbomDirFor(opts);
  if (sbomDir !== undefined) await checkSbomDirWritable(sbomDir);
  const loaded = await loadForBuild(opts);
  const warnings = [...loaded.warnings];
  for (const w of loaded.warnings) log(`warning: ${w}`);
  log(`building ${opts.tag} for ${loaded.archs.map((a) => a.apk).join(', ')}`);
  if (opts.verbose) log(`cache: ${opts.cacheDir}`);
  const store = openStore(opts.cacheDir, storeReporting(log, warnings));
  const base = await loadBaseImages(loaded);
  const io: PackageIO = { store, offline: opts.offline, log, limits: opts.limits, allowUnverifiedData: opts.allowUnverifiedData, http: createHttpClient(opts.fetch), keyDiscovery: { env: opts.env } };
  const plan = await planPackages(loaded, opts, io, base);
  const keyring = plan.keyring;
  const annotations = { ...loaded.config.annotations, ...vcsAnnotations(loaded.config.vcsUrl) };
  const key = imageInputsDigest(loaded, { tag: opts.tag, archs: plan.checksums, keyring, sbomFormats: opts.sbomFormats.map((f) => f.name) });
  // An injected strategy is code the key cannot describe: such builds neither read nor write whole images (layers are still keyed by content).
  // A base image's bytes are not among the key's inputs either: builds on one reuse layers only.
  // Nor do checksums fix a package's data when no datahash vouches for it (--allow-unverified-data).
  const reusable = opts.layeringStrategy === undefined && base === undefined && opts.allowUnverifiedData !== true;
  const cached = reusable ? await loadImage(store, key, loaded.archs) : undefined;
  let index: ImageIndex;
  let sbomDocs: readonly SbomDoc[];
  let report: BuildReport;
  let facts: readonly StoredImageFacts[];
  let buildDate: number;
  if (cached) {
    log(`reusing the stored image (inputs unchanged; no package read)`);
    ({ index, buildDate, facts } = cached);
    sbomDocs = cached.sboms;
    report = { image: 'reused', layers: index.images.flatMap((img) => img.layers.map((l) => ({ arch: platformArch(loaded, img.platform), digest: l.digest, status: 'reused' as const }))) };
  } else {
    // Large file contents wait on disk, not in memory, until their layer is written.
    const spool = new ContentSpool();
    try {
      const archs = await plan.fetch({ ...io, spool });
      buildDate = buildDateFor(loaded, archs);
      const built = await assemble(loaded, archs, {
        keyring,
        buildDate,
        annotations,
        store,
        tag: opts.tag,
        formats: opts.sbomFormats,
        log,
        warnings,
        ...(opts.layeringStrategy !== undefined ? { layering: opts.layeringStrategy } : {}),
        ...(base ? { base } : {}),
      });
      ({ index, sbomDocs, report } = built);
      const privileged = new Map<string, PrivilegedFile[]>(archs.map((a) => [a.arch.apk, privilegedFiles(a.packages)]));
      facts = index.images.map((img) => {
        const arch = platformArch(loaded, img.platform);
        return { arch, packages: built.packages.get(img.manifest.digest)!, privileged: privileged.get(arch) ?? [] };
      });
      if (reusable) await saveImage(store, key, { index, sboms: sbomDocs, buildDate, facts: new Map(index.images.map((img, i) => [img.manifest.digest, facts[i]!])) });
    } finally {
      spool.close();
    }
  }
  // The image and its SBOMs are committed together or not at all (engine/oci/output.ts).
  const sboms = await writeBuildOutputs({
    ...(opts.output !== undefined ? { image: { ...opts.output, index, tag: opts.tag } } : {}),
    ...(sbomDir !== undefined ? { sboms: { dir: sbomDir, docs: sbomDocs.map((d) => [d.name, d.text] as const) } } : {}),
  });
  const output: BuildResult['output'] = opts.output;
  if (opts.output !== undefined) log(`wrote ${opts.output.kind === 'layout' ? 'OCI layout' : 'image tarball'} ${opts.output.path}`);
  return {
    indexDigest: index.manifest.digest,
    images: index.images.map((img, i) => ({ arch: facts[i]!.arch, digest: img.manifest.digest, packages: facts[i]!.packages, layers: img.layers.length })),
    ...(output ? { output } : {}),
    sboms,
    sbomDocs,
    buildDate,
    warnings,
    index,
    report,
    privileged: facts.map((f) => ({ arch: f.arch, files: f.privileged })),
  };
}

/** A cache that cannot be used, or an entry found corrupt, is a warning: the build goes on without it (engine/store/store.ts). */
function storeReporting(log: (line: string) => void, warnings: string[]): StoreOptions {
  return {
    onUnavailable: (p) => {
      warnings.push(p.message);
      log(`warning: ${p.message}\n  hint: ${p.hint}`);
    },
    onCorrupt: (key) => log(`warning: the cache entry ${key} was corrupt; it was removed and is made again`),
  };
}

/** Where the SBOMs go: --sbom-path, else beside the output (as apko); none without either or with SBOMs off. */
function sbomDirFor(opts: NormalizedBuildRequest): string | undefined {
  if (!opts.sbom) return undefined;
  return opts.sbomPath ?? (opts.output !== undefined ? dirname(opts.output.path) : undefined);
}

/** The apk arch of an image's platform, among the config's archs. */
function platformArch(loaded: LoadedConfig, platform: { architecture: string; variant?: string }): string {
  const a = loaded.archs.find((x) => x.architecture === platform.architecture && (x.variant ?? '') === (platform.variant ?? ''));
  return a?.apk ?? platform.architecture;
}
