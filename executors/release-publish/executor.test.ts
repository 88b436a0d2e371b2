import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { executorContext, makeExecutorWorkspace } from '../testdata/workspace';
import releasePublishExecutor from './executor';
import { isDryRun, releaseTags, releaseVersion } from './version';

let root: string;

beforeAll(async () => {
  root = await makeExecutorWorkspace();
  writeFileSync(join(root, 'app', 'package.json'), JSON.stringify({ name: 'app', private: true, version: '0.4.0' }));
  mkdirSync(join(root, 'bare'));
});

afterEach(() => vi.restoreAllMocks());

/** The context Nx passes for project `name` rooted at `dir`. */
function context(name: string, dir: string) {
  const c = executorContext(root, name, 'nx-release-publish');
  return { ...c, projectsConfigurations: { version: 2, projects: { [name]: { root: dir } } } };
}

describe('release-publish version and tags', () => {
  it('takes the version option, else the version nx release chose, else the package.json version', () => {
    const c = context('app', 'app');
    const data = { app: { currentVersion: '0.4.0', newVersion: '1.2.3', dependentProjects: [] } };
    expect(releaseVersion({ config: 'app/apko.yaml', version: '9.9.9', nxReleaseVersionData: data }, c)).toBe('9.9.9');
    expect(releaseVersion({ config: 'app/apko.yaml', nxReleaseVersionData: data }, c)).toBe('1.2.3');
    // A project nx release did not bump (newVersion null), or a separate nx release publish: the version on disk.
    expect(releaseVersion({ config: 'app/apko.yaml', nxReleaseVersionData: { app: { newVersion: null } } }, c)).toBe('0.4.0');
    expect(releaseVersion({ config: 'app/apko.yaml' }, c)).toBe('0.4.0');
  });

  it('says where a version would come from when none does', () => {
    let err: Error & { hint?: string } = new Error('none');
    try {
      releaseVersion({ config: 'bare/apko.yaml' }, context('bare', 'bare'));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.message).toBe('no version to release bare/apko.yaml under: nx release chose none for bare, and bare/package.json has no version');
    expect(err.hint).toBe('run nx release <version> (or nx release version first), give bare/package.json a "version", or set the version option');
  });

  it('tags every repository with the version, and refuses to run without repositories', () => {
    expect(releaseTags({ config: 'c', repositories: ['127.0.0.1:5000/api', 'ghcr.io/acme/api'] }, context('app', 'app'), '1.2.3')).toEqual([
      '127.0.0.1:5000/api:1.2.3',
      'ghcr.io/acme/api:1.2.3',
    ]);
    expect(() => releaseTags({ config: 'app/apko.yaml', repositories: [] }, context('app', 'app'), '1.2.3')).toThrow('no repositories to release app/apko.yaml to');
  });

  it('is a dry run under the option or NX_DRY_RUN, as nx release --dry-run sets them', () => {
    expect(isDryRun({ config: 'c' }, {})).toBe(false);
    expect(isDryRun({ config: 'c', dryRun: true }, {})).toBe(true);
    expect(isDryRun({ config: 'c' }, { NX_DRY_RUN: 'true' })).toBe(true);
  });
});

describe('release-publish executor', () => {
  it('under --dry-run builds the image and prints each reference it would push, contacting no registry', async () => {
    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // Port 9 on loopback: nothing listens, so any push attempt would fail the task.
    const options = { config: 'app/apko.yaml', repositories: ['127.0.0.1:9/app'], cacheDir: '.cache', dryRun: true, nxReleaseVersionData: { app: { newVersion: '1.2.3' } } };
    expect(await releasePublishExecutor(options, context('app', 'app'))).toEqual({ success: true });
    const printed = out.mock.calls.map((c) => String(c[0]));
    expect(printed.filter((l) => l.startsWith('would push'))).toEqual([expect.stringMatching(/^would push sha256:[0-9a-f]{64} to 127\.0\.0\.1:9\/app:1\.2\.3 \(dry run: nothing pushed\)$/)]);
  });

  it('fails with the reference rule when the version is not a valid tag, before building anything', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await releasePublishExecutor({ config: 'app/apko.yaml', repositories: ['127.0.0.1:9/app'], version: '1.0.0+build.7' }, context('app', 'app'));
    expect(result.success).toBe(false);
    expect(result.error).toContain('"127.0.0.1:9/app:1.0.0+build.7" is not a valid image reference: the tag "1.0.0+build.7" must be 1–128 of [A-Za-z0-9_.-]');
  });
});
