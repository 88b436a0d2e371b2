/**
 * What resolution takes of a config's base image, for the verbs that only
 * resolve (show-packages, lock): the base image's reader (OCI and rootfs code)
 * is loaded only when the config has `contents.baseimage`, so those verbs
 * stay light otherwise (e2e/cli-laziness.test.ts).
 */
import type { LoadedConfig } from '../config';
import type { BaseWorld } from '../fetch';

/** Per arch, the base image's packages as resolution takes them; undefined without a base image. */
export async function baseWorldsOf(loaded: LoadedConfig): Promise<ReadonlyMap<string, BaseWorld> | undefined> {
  if (!loaded.config.contents.baseimage) return undefined;
  const { baseWorlds, loadBaseImages } = await import('./base-image');
  return baseWorlds(await loadBaseImages(loaded));
}
