/**
 * `@apko/nx:publish`: `apko-nx publish` as an uncached Nx task: builds the
 * image and pushes it to every tag, tags last (options mapped in
 * executors/requests.ts). Credentials come from the environment and docker's
 * config, never options.
 */
import type { ExecutorContext } from '@nx/devkit';
import { publishImage } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import { publishRequest } from '../requests';
import type { PublishExecutorSchema } from './schema';

/** Builds and pushes the image under each of `options.tags`. */
export default async function publishExecutor(options: PublishExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(
    `publishing ${options.config}`,
    async (log) => {
      const result = await publishImage(publishRequest(options, context, log));
      log(result.reference);
      for (const tag of result.tagged) log(`  tagged ${tag}`);
    },
    { verbose: context.isVerbose },
  );
}
