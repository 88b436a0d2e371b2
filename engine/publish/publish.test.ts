import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { normalizePublishOptions } from './publish';

describe('normalizePublishOptions', () => {
  it('canonicalizes and deduplicates the references, names the build after the first, and resolves paths', () => {
    const o = normalizePublishOptions(
      { config: 'apko.yaml', tags: ['127.0.0.1:5000/app', '127.0.0.1:5000/app:latest', 'alpine:1'], imageRefs: 'out/refs.txt', env: {} },
      '/work',
    );
    expect(o.tags).toEqual(['127.0.0.1:5000/app:latest', 'index.docker.io/library/alpine:1']);
    expect(o.tag).toBe('127.0.0.1:5000/app:latest');
    expect(o.config).toBe('/work/apko.yaml');
    expect(o.imageRefs).toBe('/work/out/refs.txt');
    expect(o.insecure).toBe(false);
    expect(o.output).toBeUndefined();
    expect(o.sbom).toBe(true);
    expect(Object.isFrozen(o)).toBe(true);
  });

  it('keeps the build options (arch, repositories, offline) for the build', () => {
    const o = normalizePublishOptions({ config: '/c.yaml', tags: ['r.example.com/a'], arch: ['x86_64'], repositoryAppend: ['/repo'], offline: true, insecure: true, env: {} }, '/');
    expect(o.overrides.arch).toEqual(['x86_64']);
    expect(o.overrides.repositoryAppend).toEqual(['/repo']);
    expect(o.offline).toBe(true);
    expect(o.insecure).toBe(true);
  });

  it.each([
    [[], 'publish needs at least one image reference to push to'],
    [[`r.example.com/a@sha256:${'0'.repeat(64)}`], `"r.example.com/a@sha256:${'0'.repeat(64)}" names a digest; publish pushes to tags, and the build decides the digest`],
    [['r.example.com/A'], '"r.example.com/A" is not a valid image reference: the repository component "A" must be lowercase letters and digits, separated by ., _, __ or -'],
  ])('refuses tags %j', (tags, message) => {
    let err: unknown;
    try {
      normalizePublishOptions({ config: 'apko.yaml', tags, env: {} }, '/work');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(message);
    expect((err as ConfigError).hint).toBeTruthy();
  });
});
