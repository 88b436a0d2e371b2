/**
 * The `nx-release-publish` target of an image project, the name `nx release
 * publish` runs (as `@nx/docker` infers one per Dockerfile): the project's
 * `apko.yaml` image pushed with the version nx release chose. Inferred only
 * where nx release can version the project, beside a package.json (its
 * `version` is what `nx release version` writes), and once per project, so
 * only the unsuffixed config gets it; `<stem>.apko.yaml` images are pushed
 * with their publish targets. The repositories are the user's to set
 * (options.repositories); the build options are the image target's, so the
 * pushed digest is the one the image target built.
 */
import type { TargetConfiguration } from '@nx/devkit';
import type { NormalizedPluginOptions } from './options';

/** The target name nx release runs on every released project. */
export const RELEASE_TARGET_NAME = 'nx-release-publish';

/** `targets` (an apko config's, from imageTargets) plus the release target when the project is released by nx release. */
export function withReleaseTarget(
  targets: Record<string, TargetConfiguration>,
  c: { readonly file: string; readonly hasPackageJson: boolean },
  opts: Pick<NormalizedPluginOptions, 'imageTargetName'>,
): Record<string, TargetConfiguration> {
  const image = targets[opts.imageTargetName];
  if (c.file !== 'apko.yaml' || !c.hasPackageJson || image === undefined) return targets;
  // The image target's options minus where it writes (a release writes nothing locally), a developer's own
  // key (a release trusts only the workspace's keys, so nothing signed with a local key is ever pushed) and
  // the lock target the image's stale-lock hint names (the release executor takes no such option).
  const { outputPath: _outputPath, localKeyring: _localKeyring, lockTarget: _lockTarget, ...buildOptions } = image.options as Record<string, unknown>;
  return {
    ...targets,
    [RELEASE_TARGET_NAME]: {
      executor: '@apko/nx:release-publish',
      cache: false,
      dependsOn: [opts.imageTargetName],
      options: { ...buildOptions, repositories: [] },
      metadata: { technologies: ['apko'], description: 'Push the image with the version nx release chose (set options.repositories)' },
    },
  };
}
