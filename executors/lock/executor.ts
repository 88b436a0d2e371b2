/** `@apko/nx:lock`: `apko-nx lock` as an Nx task, run from the apko.yaml's directory. */
import type { ExecutorContext } from '@nx/devkit';
import { dirname, resolve } from 'node:path';
import { lockImage, normalizeLockRequest } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import type { LockExecutorSchema } from './schema';

/** Writes the lock file of `options.config`. */
export default async function lockExecutor(options: LockExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(`locking ${options.config}`, async (log) => {
    const config = resolve(context.root, options.config);
    const opts = normalizeLockRequest(
      {
        config,
        offline: options.offline ?? false,
        ...(options.archs?.length ? { arch: options.archs } : {}),
        ...(options.cacheDir !== undefined ? { cacheDir: resolve(context.root, options.cacheDir) } : {}),
        ...(options.lockfile !== undefined ? { output: resolve(context.root, options.lockfile) } : {}),
        log,
      },
      dirname(config),
    );
    const result = await lockImage(opts);
    log(`wrote ${result.path.slice(context.root.length + 1)}`);
  });
}
