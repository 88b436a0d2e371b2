/**
 * Loading the config for a build, and refusing up front what this engine
 * does not build, rather than silently producing something else: apko's
 * experimental EROFS layers and base images. With --vcs, a config without
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
  if (loaded.config.contents.baseimage) {
    throw new ConfigError(`${loaded.file}: contents.baseimage is not supported; apko-nx builds images from packages only`, {
      file: loaded.file,
      path: 'contents.baseimage',
      hint: 'install the base image\'s packages through contents.packages instead',
    });
  }
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
