/**
 * `@apko/nx:image`: `apko-nx build` as an Nx task. The apko.yaml's directory
 * is the working directory (apko's -C), so the relative repository and key
 * paths the generators write resolve the same here, in the CLI and in a
 * Turborepo script.
 */
import type { ExecutorContext } from '@nx/devkit';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildImageFromConfig, ConfigError, normalizeBuildRequest } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import type { ImageExecutorSchema } from './schema';

/** Builds the image into `<outputPath>/oci` with SBOMs in `<outputPath>`. */
export default async function imageExecutor(options: ImageExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  const tag = options.tag ?? `${context.projectName ?? 'image'}:latest`;
  return runExecutor(`building ${tag}`, async (log) => {
    const config = resolve(context.root, options.config);
    if (!existsSync(config)) throw new ConfigError(`${options.config} does not exist`, { file: options.config, hint: 'the config option is relative to the workspace root' });
    const outDir = resolve(context.root, options.outputPath);
    const layout = join(outDir, 'oci');
    const opts = normalizeBuildRequest(
      {
        config,
        tag,
        output: { path: layout, kind: 'layout' },
        sbomPath: outDir,
        sbom: options.sbom ?? true,
        offline: options.offline ?? false,
        ...(options.archs?.length ? { arch: options.archs } : {}),
        ...(options.cacheDir !== undefined ? { cacheDir: resolve(context.root, options.cacheDir) } : {}),
        ...(options.lockfile !== undefined ? { lockfile: resolve(context.root, options.lockfile) } : {}),
        log,
      },
      dirname(config),
    );
    const result = await buildImageFromConfig(opts);
    log(`${tag}@${result.indexDigest}`);
    for (const img of result.images) log(`  ${img.arch}: ${img.digest} (${img.packages} packages)`);
    log(`wrote ${options.outputPath}/oci${result.sboms.length > 0 ? ` and ${result.sboms.length} SBOMs` : ''}`);
  });
}
