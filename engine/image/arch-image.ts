/**
 * One architecture's image: its filesystem from the verified packages, its
 * layers, and its config and manifest. Also the facts its SBOM is made from.
 */
import type { ApkPackage } from '../apk/package';
import { buildRootTree } from '../buildroot';
import type { LoadedConfig } from '../config';
import { layeringFor, type LayeringStrategy } from '../layer';
import { buildImage, buildImageOnBase, platformForArch, type Image } from '../oci';
import type { LoadedBase } from './base-image';
import type { RootfsResult } from '../rootfs';
import type { SbomPackageInput } from '../sbom';
import type { Store } from '../store';
import { layersWithCache, type LayerStatus } from '../cache/layer';
import type { ArchPackages } from '../fetch';
import { shellWords } from './shell-words';
import { compareBytes } from '../order';

/** A built single-arch image and what went into it. */
export interface ArchImage {
  readonly arch: ArchPackages['arch'];
  readonly image: Image;
  readonly rootfs: RootfsResult;
  readonly packages: readonly ApkPackage[];
  readonly sbomPackages: readonly SbomPackageInput[];
  /** Per layer, bottom first: built now or reused from the store. */
  readonly layerStatuses: readonly LayerStatus[];
}

/** apko's entrypoint rules: a shell fragment wins, else the split command. */
function entrypointWords(loaded: LoadedConfig): string[] | undefined {
  const e = loaded.config.entrypoint;
  if (e.shellFragment) return ['/bin/sh', '-c', e.shellFragment];
  if (e.command) return shellWords(e.command, 'entrypoint.command');
  return undefined;
}

/** What one architecture's image is built with besides the config and its packages. */
export interface ArchImageContext {
  readonly keyring: ReadonlyMap<string, string>;
  readonly buildDate: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly store?: Store;
  /** A library user's own layering strategy; default: what `layering:` in the config asks for. */
  readonly layering?: LayeringStrategy;
  /** Progress lines ("layer n/N written"); never part of an output. */
  readonly log?: (line: string) => void;
  /** Per arch, the base image to build on (`contents.baseimage`). */
  readonly base?: ReadonlyMap<string, LoadedBase>;
}

/** Builds the filesystem, layers and image of one architecture. */
export async function buildArchImage(loaded: LoadedConfig, fetched: ArchPackages, ctx: ArchImageContext): Promise<ArchImage> {
  const config = loaded.config;
  const base = ctx.base?.get(fetched.arch.apk);
  const rootfs = buildRootTree(loaded, fetched, { keyring: ctx.keyring, buildDate: ctx.buildDate, ...(base ? { base: base.packages } : {}) });
  const strategy = ctx.layering ?? layeringFor(config.layering);
  const log = ctx.log;
  const onLayer = log ? (done: number, total: number, status: string) => log(`${fetched.arch.apk}: layer ${done}/${total} ${status === 'built' ? 'written' : 'reused'}`) : undefined;
  const { layers, statuses } = await layersWithCache(rootfs.tree, { strategy, facts: rootfs.facts, arch: fetched.arch.apk, ...(ctx.store ? { store: ctx.store } : {}), ...(onLayer ? { onLayer } : {}) });
  const entrypoint = entrypointWords(loaded);
  const input = {
    platform: platformForArch(fetched.arch.apk),
    created: ctx.buildDate,
    ...(entrypoint ? { entrypoint } : {}),
    ...(config.cmd ? { cmd: shellWords(config.cmd, 'cmd') } : {}),
    env: config.environment,
    ...(config.workDir ? { workingDir: config.workDir } : {}),
    ...(rootfs.user !== undefined ? { user: rootfs.user } : {}),
    ...(config.stopSignal ? { stopSignal: config.stopSignal } : {}),
    volumes: config.volumes,
    annotations: ctx.annotations,
  };
  const image = base ? buildImageOnBase(base.image, layers, input) : buildImage(layers, input);
  // A base image's layers are taken as they are: reused, never built.
  const layerStatuses: LayerStatus[] = [...(base?.image.layers.map(() => 'reused' as const) ?? []), ...statuses];
  return { arch: fetched.arch, image, rootfs, packages: fetched.packages, sbomPackages: sbomPackagesOf(fetched, rootfs), layerStatuses };
}

/** The facts the SBOM needs of each installed package. */
function sbomPackagesOf(fetched: ArchPackages, rootfs: RootfsResult): SbomPackageInput[] {
  const byName = new Map(fetched.packages.map((p) => [p.pkginfo.pkgname, p]));
  const nameOf = new Map(fetched.resolution.packages.map((q) => [`${q.name}-${q.version}`, q.name]));
  return fetched.resolution.packages.map((r) => {
    const pkg = byName.get(r.name)!;
    const depends = fetched.resolution.edges
      .filter((e) => e.from === `${r.name}-${r.version}` && e.kind === 'depend')
      .map((e) => nameOf.get(e.to)!);
    const sbomFile = `var/lib/db/sbom/${r.name}-${r.version}.spdx.json`;
    const embedded = rootfs.tree.get(sbomFile)?.owner === r.name ? rootfs.tree.readFile(sbomFile) : undefined;
    let embeddedSbom: unknown;
    if (embedded) {
      try {
        embeddedSbom = JSON.parse(embedded.toString('utf8'));
      } catch {
        embeddedSbom = undefined;
      }
    }
    return {
      name: r.name,
      version: r.version,
      arch: r.arch,
      license: r.license || pkg.pkginfo.license.join(' AND '),
      description: r.description,
      url: r.url,
      ...(r.origin ? { origin: r.origin } : {}),
      ...(r.maintainer ? { maintainer: r.maintainer } : {}),
      checksum: r.checksum,
      ...(pkg.pkginfo.datahash ? { datahash: pkg.pkginfo.datahash } : {}),
      depends: [...new Set(depends)].sort(compareBytes),
      ...(embeddedSbom !== undefined ? { embeddedSbom } : {}),
    };
  });
}
