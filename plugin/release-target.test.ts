import { describe, expect, it } from 'vitest';
import { normalizePluginOptions } from './options';
import { withReleaseTarget } from './release-target';
import { imageTargets, type ImageConfigInfo } from './targets';

const opts = normalizePluginOptions(undefined);
const info = (file: string): ImageConfigInfo => ({ root: 'apps/api', file, includes: [], keyring: [], repositories: [], ownPackage: false, locked: true });

describe('withReleaseTarget', () => {
  it('adds nx-release-publish after the image target, with its build options and no output path, when a package.json gives nx release a version', () => {
    const targets = withReleaseTarget(imageTargets(info('apko.yaml'), opts), { file: 'apko.yaml', hasPackageJson: true }, opts);
    expect(targets['nx-release-publish']).toEqual({
      executor: '@apko/nx:release-publish',
      cache: false,
      dependsOn: ['image'],
      // No tag: the executor derives it from the project's name, as the image target does.
      options: { config: 'apps/api/apko.yaml', lockfile: 'apps/api/apko.lock.json', repositories: [] },
      metadata: { technologies: ['apko'], description: 'Push the image with the version nx release chose (set options.repositories)' },
    });
  });

  it.each([
    ['no package.json (nothing for nx release to version)', 'apko.yaml', false],
    ['a <stem>.apko.yaml (one release target per project: the apko.yaml one)', 'debug.apko.yaml', true],
  ])('adds nothing for %s', (_what, file, hasPackageJson) => {
    const targets = imageTargets(info(file), opts);
    expect(withReleaseTarget(targets, { file, hasPackageJson }, opts)).toBe(targets);
  });
});
