/**
 * `@apko/nx:publish`: `apko-nx publish` as an uncached Nx task: builds the
 * image from the apko.yaml's directory and pushes it to every tag, tags last.
 * Credentials come from the environment and docker's config, never options.
 */
import type { ExecutorContext } from '@nx/devkit';
import { dirname, resolve } from 'node:path';
import { ConfigError, normalizePublishOptions, publishImage } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import type { PublishExecutorSchema } from './schema';

/** Builds and pushes the image under each of `options.tags`. */
export default async function publishExecutor(options: PublishExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(`publishing ${options.config}`, async (log) => {
    const tags = options.tags ?? [];
    if (tags.length === 0) {
      throw new ConfigError(`no tags to publish ${options.config} under`, { hint: `set options.tags, or run nx run ${context.projectName}:${context.targetName} --tags=registry.example.com/name:1.0` });
    }
    const config = resolve(context.root, options.config);
    const abs = (p: string) => resolve(context.root, p);
    const opts = normalizePublishOptions(
      {
        config,
        tags,
        insecure: options.insecure ?? false,
        offline: options.offline ?? false,
        ...(options.archs?.length ? { arch: options.archs } : {}),
        ...(options.cacheDir !== undefined ? { cacheDir: abs(options.cacheDir) } : {}),
        ...(options.lockfile !== undefined ? { lockfile: abs(options.lockfile) } : {}),
        ...(options.imageRefs !== undefined ? { imageRefs: abs(options.imageRefs) } : {}),
        log,
      },
      dirname(config),
    );
    const result = await publishImage(opts);
    log(result.reference);
    for (const tag of result.tagged) log(`  tagged ${tag}`);
  });
}
