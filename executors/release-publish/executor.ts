/**
 * `@apko/nx:release-publish`: the `nx-release-publish` target `nx release`
 * runs on image projects, as `@nx/docker`'s does: the image pushed with the
 * version nx release chose as its tag, through the same engine publish verb
 * as `@apko/nx:publish` (blobs, manifests by digest, tags last). Under
 * `--dry-run` the image is built and what would be pushed is printed;
 * nothing is pushed.
 */
import type { ExecutorContext } from '@nx/devkit';
import { buildImageFromConfig, publishImage } from '../../engine';
import { runExecutor, type ExecutorResult } from '../report';
import { publishRequest } from '../requests';
import type { ReleasePublishExecutorSchema } from './schema';
import { isDryRun, releaseTags, releaseVersion } from './version';

/** Pushes the image to `<repository>:<version>` for each repository. */
export default async function releasePublishExecutor(options: ReleasePublishExecutorSchema, context: ExecutorContext): Promise<ExecutorResult> {
  return runExecutor(
    `releasing ${options.config}`,
    async (log) => {
      const version = releaseVersion(options, context);
      const { tag: _npmDistTag, ...rest } = options;
      const request = publishRequest({ ...rest, tags: releaseTags(options, context, version) }, context, log);
      if (isDryRun(options)) {
        const built = await buildImageFromConfig(request);
        for (const t of request.tags) log(`would push ${built.indexDigest} to ${t} (dry run: nothing pushed)`);
        return;
      }
      const result = await publishImage(request);
      log(result.reference);
      for (const t of result.tagged) log(`  tagged ${t}`);
    },
    { verbose: context.isVerbose },
  );
}
