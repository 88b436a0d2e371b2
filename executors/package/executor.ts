/**
 * `@apko/nx:package`: `apko-nx melange build` for each arch as an Nx task,
 * through the same engine request and call. The output directory belongs to
 * this task alone: it is built afresh beside the old one and swapped in
 * when every arch succeeded (a failed build leaves the previous repository
 * whole), so the repository holds exactly what this melange.yaml builds and
 * is restorable from the cache on its own. Git facts stay out unless `vcs`
 * is set (the inferred target then hashes HEAD), and melange's inputs cache
 * (`./melange-cache/`) is never mounted: the bytes depend only on what the
 * task hash covers.
 */
import type { ExecutorContext } from '@nx/devkit';
import { buildMelangePackages, normalizeMelangeBuildOptions } from '../../engine';
import { WORKSPACE_DEFAULTS } from '../../engine/workspace';
import { runExecutor, type ExecutorResult } from '../report';
import { checkBuildOutputs } from './build-outputs';
import type { PackageExecutorSchema } from './schema';

/** Builds the packages into `<outputPath>/<arch>/`. */
export default async function packageExecutor(options: PackageExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(
    `packaging ${options.config}`,
    async (log) => {
      const root = context.root;
      checkBuildOutputs(context, options.buildTarget ?? WORKSPACE_DEFAULTS.buildTargetName, options.config);
      const request = normalizeMelangeBuildOptions(
        {
          configPath: options.config,
          // The workspace defaults (schema.json's), for callers that bypass Nx's schema defaults.
          archs: options.archs ?? WORKSPACE_DEFAULTS.packageArchs,
          signingKey: options.signingKey ?? WORKSPACE_DEFAULTS.signingKey,
          outDir: options.outputPath,
          runner: options.runner,
          namespace: options.namespace,
          vcs: options.vcs ?? false,
          lintRequire: options.lintRequire,
          lintWarn: options.lintWarn,
          runTests: options.runTests,
          replaceOutDir: true,
          // A cached task's output may depend only on what its hash covers: melange's inputs cache is not among
          // them, so Nx builds never mount one (steps fetch what they need and check it by its checksum).
          cacheDir: false,
          log,
        },
        root,
      );
      const result = await buildMelangePackages(request);
      for (const p of result.packages) log(`${p.arch}: ${p.name}-${p.version} → ${p.path.slice(root.length + 1)}`);
    },
    { verbose: context.isVerbose },
  );
}
