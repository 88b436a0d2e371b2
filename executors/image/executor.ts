/** `@apko/nx:image`: `apko-nx build` as an Nx task (options mapped in executors/requests.ts). */
import type { ExecutorContext } from '@nx/devkit';
import { buildImageFromConfig, privilegedFileLines } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import { imageRequest, imageTag } from '../requests';
import type { ImageExecutorSchema } from './schema';

/** Builds the image into `<outputPath>/oci` with SBOMs in `<outputPath>`. */
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
    },
    { verbose: context.isVerbose },
  );
}
