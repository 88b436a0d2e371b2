/** `@apko/nx:lock`: `apko-nx lock` as an Nx task (options mapped in executors/requests.ts). */
import type { ExecutorContext } from '@nx/devkit';
import { relative } from 'node:path';
import { lockImage } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import { lockRequest } from '../requests';
import type { LockExecutorSchema } from './schema';

/** Writes the lock file of `options.config`. */
export default async function lockExecutor(options: LockExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(
    `locking ${options.config}`,
    async (log) => {
      const result = await lockImage(lockRequest(options, context, log));
      log(`wrote ${relative(context.root, result.path).split('\\').join('/')}`);
    },
    { verbose: context.isVerbose },
  );
}
