/**
 * Loading the config for a build, and refusing up front what this engine
 * does not build, rather than silently producing something else: apko's
 * experimental EROFS layers. With --vcs, a config without
 * vcs-url gets one from git.
 */
import { loadImageConfig, type LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import type { NormalizedResolveRequest } from './request';
import { probeVcsUrl } from '../git';

/** Throws a ConfigError for a config that asks for a feature the engine lacks. */
export function assertBuildable(loaded: LoadedConfig): void {
  if (loaded.config.format === 'erofs') {
    throw new ConfigError(`${loaded.file}: format: erofs is not supported; apko-nx writes tar+gzip layers`, {
      file: loaded.file,
      path: 'format',
      hint: 'remove format (or set it to tar), and do not pass --format erofs',
    });
  }
}

/** Throws a ConfigError for `contents.baseimage` in a verb that writes a whole filesystem of its own (build-cpio, build-minirootfs). */
export function refuseBaseImage(loaded: LoadedConfig, verb: string): void {
  if (!loaded.config.contents.baseimage) return;
  throw new ConfigError(`${loaded.file}: contents.baseimage is not supported by ${verb}, which writes the whole filesystem from packages`, {
    file: loaded.file,
    path: 'contents.baseimage',
    hint: 'use apko-nx build to build on a base image, or list the base image\'s packages in contents.packages',
  });
}

/** Loads the config of a build with its overrides and checks that it can be built. */
export async function loadForBuild(opts: NormalizedResolveRequest): Promise<LoadedConfig> {
  const loaded = await loadImageConfig(opts.config, opts.overrides, { cwd: opts.cwd, env: opts.env });
  assertBuildable(loaded);
  if (!opts.vcs || loaded.config.vcsUrl) return loaded;
  const vcsUrl = probeVcsUrl(loaded.file);
  if (vcsUrl === undefined) {
    // A debug note, as apko says it: the CLI probes by default, and most builds outside a checkout are fine.
    opts.log(`debug: --vcs: ${loaded.file} is not in a git checkout with an origin remote; no source annotation added`);
    return loaded;
  }
  return { ...loaded, config: { ...loaded.config, vcsUrl } };
}
