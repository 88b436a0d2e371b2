/** `@apko/nx:lock`: `apko-nx lock` as an Nx task, run from the apko.yaml's directory. */
import type { ExecutorContext } from '@nx/devkit';
import { dirname, resolve } from 'node:path';
import { lockImage, normalizeBuildOptions } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import type { LockExecutorSchema } from './schema';

/** Writes the lock file of `options.config`. */
export default async function lockExecutor(options: LockExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(`locking ${options.config}`, async (log) => {
    const config = resolve(context.root, options.config);
    const opts = normalizeBuildOptions(
      {
        config,
        tag: options.tag ?? 'lock',
        offline: options.offline ?? false,
        ...(options.archs?.length ? { arch: options.archs } : {}),
        ...(options.cacheDir !== undefined ? { cacheDir: resolve(context.root, options.cacheDir) } : {}),
        log,
      },
      dirname(config),
    );
    const result = await lockImage({ ...opts, ...(options.lockfile !== undefined ? { lockfileOutput: resolve(context.root, options.lockfile) } : {}) });
    log(`wrote ${result.path.slice(context.root.length + 1)}`);
  });
}
