/**
 * `contents.baseimage`: for each arch, the base image read from its OCI
 * layout and its packages from `<apkindex>/<arch>/APKINDEX` (the base's
 * installed database), both paths relative to the working directory as
 * repository paths are. apko v1.2.31 reads the same (`pkg/build/build.go`,
 * `pkg/baseimg/base_image.go`).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import type { BaseWorld } from '../fetch';
import { platformForArch, readBaseImage, type BaseImage } from '../oci';
import { baseIndexEntries, basePins, parseBasePackages, type BasePackage } from '../rootfs';

/** One arch's base: its image, its packages, and what resolution takes of them. */
export interface LoadedBase {
  readonly image: BaseImage;
  readonly packages: readonly BasePackage[];
  readonly world: BaseWorld;
}

/** Reads the base image of every arch, or nothing when the config has none. */
export async function loadBaseImages(loaded: LoadedConfig): Promise<ReadonlyMap<string, LoadedBase> | undefined> {
  const b = loaded.config.contents.baseimage;
  if (!b) return undefined;
  const imageDir = resolve(loaded.workDir, b.image);
  const indexDir = resolve(loaded.workDir, b.apkindex);
  const out = new Map<string, LoadedBase>();
  for (const arch of loaded.archs) {
    const image = await readBaseImage(imageDir, platformForArch(arch.apk));
    const file = join(indexDir, arch.apk, 'APKINDEX');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${loaded.file}: contents.baseimage.apkindex: cannot read ${file}: ${(err as Error).message}`, {
        file: loaded.file,
        path: 'contents.baseimage.apkindex',
        hint: `write the base image's /usr/lib/apk/db/installed for ${arch.apk} to ${file}`,
        cause: err,
      });
    }
    const packages = parseBasePackages(text, file);
    out.set(arch.apk, { image, packages, world: { name: join(indexDir, arch.apk), entries: baseIndexEntries(packages), pins: basePins(packages) } });
  }
  return out;
}

/** The resolution view of every arch's base. */
export function baseWorlds(bases: ReadonlyMap<string, LoadedBase> | undefined): ReadonlyMap<string, BaseWorld> | undefined {
  return bases && new Map([...bases].map(([arch, b]) => [arch, b.world]));
}
