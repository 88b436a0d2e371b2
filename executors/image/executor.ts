/** `@apko/nx:image`: `apko-nx build` as an Nx task (options mapped in executors/requests.ts). */
import type { ExecutorContext } from '@nx/devkit';
import { rm } from 'node:fs/promises';
import { buildImageFromConfig, privilegedFileLines, writeImageOutput } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import { dockerTarballPath, imageRequest, imageTag } from '../requests';
import type { ImageExecutorSchema } from './schema';

/** Builds the image into `<outputPath>/oci` with SBOMs in `<outputPath>` (and `<outputPath>/image.tar` with dockerTarball). */
export default async function imageExecutor(options: ImageExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  const tag = imageTag(options, context);
  return runExecutor(
    `building ${tag}`,
    async (log) => {
      const result = await buildImageFromConfig(imageRequest(options, context, log));
      log(`${tag}@${result.indexDigest}`);
      for (const img of result.images) log(`  ${img.arch}: ${img.digest} (${img.packages} packages)`);
      for (const p of result.privileged) for (const line of privilegedFileLines(p.files)) log(`  ${p.arch}: ${line}`);
      log(`wrote ${options.outputPath}/oci${result.sboms.length > 0 ? ` and ${result.sboms.length} SBOMs` : ''}`);
      // The tarball sits inside the target's output directory, so Nx caches and restores it with the layout; without the option an old one is removed, never cached as this build's.
      const tarball = dockerTarballPath(options, context);
      if (options.dockerTarball === true) {
        await writeImageOutput(tarball, 'docker-archive', result.index, tag);
        log(`wrote ${options.outputPath}/image.tar (docker load -i ${options.outputPath}/image.tar)`);
      } else await rm(tarball, { force: true });
    },
    { verbose: context.isVerbose },
  );
}
