/**
 * `@apko/nx:package`: `apko-nx melange build` for each arch as an Nx task,
 * through the same engine request and call. The output directory belongs to
 * this task alone and starts empty, so the repository holds exactly what
 * this melange.yaml builds and is restorable from the cache on its own;
 * images list each repository they need.
 */
import type { ExecutorContext } from '@nx/devkit';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { buildMelangePackages, normalizeMelangeBuildOptions } from '../../engine';
import { WORKSPACE_DEFAULTS } from '../../engine/workspace';
import { runExecutor, type ExecutorResult } from '../report';
import type { PackageExecutorSchema } from './schema';

/** Builds the packages into `<outputPath>/<arch>/`. */
export default async function packageExecutor(options: PackageExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(`packaging ${options.config}`, async (log) => {
    const root = context.root;
    const request = normalizeMelangeBuildOptions(
      {
        configPath: options.config,
        // The workspace defaults (schema.json's), for callers that bypass Nx's schema defaults.
        archs: options.archs ?? WORKSPACE_DEFAULTS.packageArchs,
        signingKey: options.signingKey ?? WORKSPACE_DEFAULTS.signingKey,
        outDir: options.outputPath,
        runner: options.runner,
        namespace: options.namespace,
        log,
      },
      root,
    );
    await rm(resolve(root, options.outputPath), { recursive: true, force: true });
    const result = await buildMelangePackages(request);
    for (const p of result.packages) log(`${p.arch}: ${p.name}-${p.version} → ${p.path.slice(root.length + 1)}`);
  });
}
